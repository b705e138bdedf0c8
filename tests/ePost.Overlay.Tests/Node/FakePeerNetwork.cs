using ePost.Overlay.Network;

namespace ePost.Overlay.Tests.Node;

/// <summary>A network that only records what a node sends. Valid addresses are <c>fake:</c> plus letters and digits.</summary>
internal sealed class FakePeerNetwork : IPeerNetwork
{
    public const string Scheme = "fake:";

    /// <summary>Every send, in order.</summary>
    public List<(string To, IOverlayMessage Message)> Sent { get; } = new();

    public void Send(string address, IOverlayMessage message) => Sent.Add((address, message));

    // No length limit here on purpose: the engine's own bound on address length is what the tests exercise.
    public bool IsValidAddress(string address) =>
        address.StartsWith(Scheme, StringComparison.Ordinal) && address.Length > Scheme.Length
        && address.Skip(Scheme.Length).All(char.IsAsciiLetterOrDigit);
}
