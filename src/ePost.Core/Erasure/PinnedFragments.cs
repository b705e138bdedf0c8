using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ePost.Core.Erasure;

/// <summary>Pins a list of byte regions for the duration of one kernel call and exposes them as a <c>byte**</c>.</summary>
internal sealed unsafe class PinnedFragments : IDisposable
{
    private readonly GCHandle[] _handles;
    private readonly nint[] _pointers;

    public PinnedFragments(IReadOnlyList<byte[]> arrays)
    {
        _handles = new GCHandle[arrays.Count];
        _pointers = GC.AllocateArray<nint>(Math.Max(1, arrays.Count), pinned: true);
        for (var i = 0; i < arrays.Count; i++)
        {
            _handles[i] = GCHandle.Alloc(arrays[i], GCHandleType.Pinned);
            _pointers[i] = _handles[i].AddrOfPinnedObject();
        }
    }

    public byte** Pointers => (byte**)Unsafe.AsPointer(ref _pointers[0]);

    public void Dispose()
    {
        foreach (var handle in _handles)
            if (handle.IsAllocated) handle.Free();
    }
}
