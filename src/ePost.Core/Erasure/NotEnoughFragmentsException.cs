namespace ePost.Core.Erasure;

/// <summary>Thrown when fewer intact fragments are at hand than the m an erasure code needs to rebuild the data.</summary>
public sealed class NotEnoughFragmentsException : Exception
{
    public NotEnoughFragmentsException(int usable, int needed, int rejected = 0)
        : base($"{usable} usable fragment(s) given, {needed} needed to rebuild" +
               (rejected > 0 ? $" ({rejected} more failed their digest check)." : "."))
    {
        Usable = usable;
        Needed = needed;
        Rejected = rejected;
    }

    /// <summary>Distinct, intact fragments that were given.</summary>
    public int Usable { get; }

    /// <summary>Fragments the code needs (m).</summary>
    public int Needed { get; }

    /// <summary>Fragments dropped because their bytes did not match their digest.</summary>
    public int Rejected { get; }
}
