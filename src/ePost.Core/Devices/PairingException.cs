namespace ePost.Core.Devices;

/// <summary>Pairing failed; the message is one clear sentence for the user, and nothing was changed.</summary>
public sealed class PairingException(string message) : Exception(message);
