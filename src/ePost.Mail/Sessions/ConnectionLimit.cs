using System.Net;

namespace ePost.Mail.Sessions;

/// <summary>Counts open connections per client address and refuses those beyond the limit (owned by one listener actor).</summary>
public sealed class ConnectionLimit(int maxPerAddress)
{
    private readonly Dictionary<IPAddress, int> open = new();

    /// <summary>Open connections from the address.</summary>
    public int OpenFrom(IPAddress address) => open.GetValueOrDefault(address);

    /// <summary>Takes a slot for the address, or returns false when it already has the maximum.</summary>
    public bool TryAcquire(IPAddress address)
    {
        var n = open.GetValueOrDefault(address);
        if (n >= maxPerAddress) return false;
        open[address] = n + 1;
        return true;
    }

    /// <summary>Returns a slot taken by <see cref="TryAcquire"/>.</summary>
    public void Release(IPAddress address)
    {
        var n = open.GetValueOrDefault(address);
        if (n <= 1) open.Remove(address);
        else open[address] = n - 1;
    }
}
