using ePost.Core.Wire;

namespace ePost.Overlay;

/// <summary>Marker for messages that overlay nodes exchange with each other; bound to <see cref="Wire.OverlaySerializer"/>.</summary>
public interface IOverlayMessage : IWireMessage;
