namespace ePost.Core.Wire;

/// <summary>Marker for every message that may cross the network or be persisted; each is bound to a <see cref="WireSerializer"/>.</summary>
public interface IWireMessage;
