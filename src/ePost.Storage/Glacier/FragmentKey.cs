namespace ePost.Storage.Glacier;

/// <summary>Names one fragment: container id and index.</summary>
public readonly record struct FragmentKey(Core.Ids.RingId Container, int Index);
