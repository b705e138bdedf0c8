namespace ePost.Core.Erasure.Kernels;

/// <summary>Every kernel, fastest first, and the one this CPU uses.</summary>
internal static class RegionKernels
{
    /// <summary>All kernels in order of preference; <see cref="RegionKernel.IsSupported"/> says which run here.</summary>
    public static readonly IReadOnlyList<RegionKernel> All =
    [
        new Gfni512Kernel(),
        new Gfni256Kernel(),
        new Avx512Kernel(),
        new Avx2Kernel(),
        new Vector128Kernel(),
        new ScalarKernel(),
    ];

    /// <summary>The kernels this CPU can run.</summary>
    public static IReadOnlyList<RegionKernel> Supported { get; } = All.Where(k => k.IsSupported).ToList();

    /// <summary>The fastest supported kernel, chosen once at start-up.</summary>
    public static RegionKernel Best { get; } = Supported[0];

    /// <summary>A supported kernel by name; throws naming the choices when it is unknown or cannot run here.</summary>
    public static RegionKernel Get(string name) =>
        Supported.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"erasure kernel '{name}' is not available on this CPU; available: {string.Join(", ", Supported.Select(k => k.Name))}.", nameof(name));
}
