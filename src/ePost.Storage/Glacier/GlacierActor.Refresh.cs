using Akka.Actor;

namespace ePost.Storage.Glacier;

/// <summary>
/// Refreshing: read the container back, then renew it in place, repack its live members or let it go, as
/// <see cref="RepackPolicy"/> decides.
/// </summary>
public sealed partial class GlacierActor
{
    private void OnRefresh(Refresh refresh)
    {
        var reference = refresh.Container;
        var replyTo = Sender;
        try
        {
            reference.Validate();
            ArgumentNullException.ThrowIfNull(refresh.Live);
        }
        catch (ArgumentException e)
        {
            replyTo.Tell(new RefreshFailed(reference, e.Message));
            return;
        }
        StartGathering(new Gathering(reference, Enumerable.Range(0, reference.N), _settings.RestoreTimeout,
            g =>
            {
                if (!TryDecode(g, out var bytes, out var members, out var problem))
                {
                    replyTo.Tell(new RefreshFailed(reference, problem!));
                    return;
                }
                var canSign = reference.WriterKey.Span.SequenceEqual(_signer.PublicKey);
                var plan = RepackPolicy.Plan(members, refresh.Live, canSign, _settings.RepackBelowLiveFraction);
                Action<IReadOnlyList<ContainerRef>> done = now => replyTo.Tell(new Refreshed(reference, now));
                Action<string> failed = why => replyTo.Tell(new RefreshFailed(reference, why));
                switch (plan.Action)
                {
                    case RefreshAction.Drop: done([]); break;
                    case RefreshAction.Repack: StartArchive(plan.Kept, done, failed); break;
                    case RefreshAction.RenewInPlace:
                        var old = g.Manifest!;
                        var fragments = CodecFor(old.N, old.M).Encode(bytes);
                        var renewed = FragmentManifest.Create(_signer, old.ContentHash.Span, old.N, old.M, old.ContainerLength, fragments, plan.Lease!.Value,
                            g.Versions.Max() + 1);
                        StartRenewal(renewed, fragments, done, failed);
                        break;
                }
            },
            (_, why) => replyTo.Tell(new RefreshFailed(reference, why))));
    }
}
