namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// Test fixture: the layer behind the mail sessions as it is when a node's POST actors have stopped. While hung, every
/// call waits on a task nobody completes (and ignores cancellation, as a lost Ask does); <see cref="Recover"/> lets the
/// waiting calls and every later one through. <see cref="EnteredAsync"/> tells a test that a call is waiting, so it
/// advances virtual time only once the session's deadline is running.
/// </summary>
public sealed class HungLayer
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim entered = new(0);
    private TaskCompletionSource? hung;

    /// <summary>From now on every call waits.</summary>
    public void Hang() => hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The layer is back: waiting calls go on, new ones pass at once.</summary>
    public void Recover()
    {
        var waiting = hung;
        hung = null;
        waiting?.TrySetResult();
    }

    /// <summary>Waits until a call has reached the hung layer.</summary>
    public async Task EnteredAsync() => Assert.True(await entered.WaitAsync(Patience), "no call reached the hung layer");

    /// <summary>What every call of the fixtures awaits first.</summary>
    public Task PassAsync()
    {
        if (hung is not { } waiting) return Task.CompletedTask;
        entered.Release();
        return waiting.Task;
    }
}
