using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>A fragment as a holder keeps it: verified bytes, the manifest that vouches for them and the local lease end.</summary>
public sealed record HeldFragment(FragmentManifest Manifest, int Index, byte[] Data, LeaseInstant Expiry);
