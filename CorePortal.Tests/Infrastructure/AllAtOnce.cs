namespace CorePortal.Tests.Infrastructure;

/// <summary>The start gate of the concurrency tests: every request waits, on its own thread, until all are ready; then they go together.</summary>
public static class AllAtOnce
{
    public static async Task<T[]> RunAsync<T>(IEnumerable<Func<Task<T>>> requests)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = requests.Select(request => Task.Run(async () => { await gate.Task; return await request(); })).ToList();
        gate.SetResult();
        return await Task.WhenAll(running);
    }

    public static Task<T[]> RunAsync<T>(params Func<Task<T>>[] requests) => RunAsync((IEnumerable<Func<Task<T>>>)requests);
}
