using ePost.Simulation.Ring;

namespace ePost.Simulation.Scenarios;

/// <summary>Measures maintenance traffic over a stretch of virtual time.</summary>
internal sealed class FaultPhase(SimulatedRing ring)
{
    private readonly long _maintenanceAtStart = ring.Traffic.MaintenanceSent;
    private readonly TimeSpan _start = ring.Clock.Now;
    private readonly int _population = ring.ActiveNodes.Count();

    /// <summary>Maintenance messages per node per second since this phase began.</summary>
    public double MaintenancePerNodeSecond()
    {
        var seconds = (ring.Clock.Now - _start).TotalSeconds;
        return seconds <= 0 || _population == 0 ? 0 : (ring.Traffic.MaintenanceSent - _maintenanceAtStart) / (double)_population / seconds;
    }
}
