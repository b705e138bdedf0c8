using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Glacier;

/// <summary>One object packed into a container, with how long its owner wants it kept.</summary>
public sealed record ContainerMember(StoredObject Object, LeaseDuration Lease);
