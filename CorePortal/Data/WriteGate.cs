using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CorePortal.Data;

/// <summary>
/// Begins every write transaction of the app. Writers in this process queue for the database in arrival order
/// before they take SQLite's write lock (BEGIN IMMEDIATE); without the queue they all wait in SQLite's busy
/// handler, which sleeps in steps of up to 100 ms, so an unlucky writer waits long while others commit.
/// The busy timeout still covers writers in other processes.
/// </summary>
public static class WriteGate
{
    // One queue per database (connection string): tests and the benchmark run several databases in one process.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Queues = new();

    /// <summary>Waits for the writers ahead in this process, then begins the operation's one write transaction.</summary>
    public static async Task<WriteTransaction> BeginWriteAsync(this DatabaseFacade database, CancellationToken ct = default)
    {
        var queue = Queues.GetOrAdd(database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await queue.WaitAsync(ct);
        try
        {
            return new WriteTransaction(await database.BeginTransactionAsync(ct), queue);
        }
        catch
        {
            queue.Release();
            throw;
        }
    }
}

/// <summary>
/// A write transaction holding this process's place in the write queue. The next writer goes on at commit
/// (not when this object is disposed, which may be after the caller's publishing); disposing without a commit rolls back.
/// </summary>
public sealed class WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim queue) : IAsyncDisposable
{
    private int _released;

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await transaction.CommitAsync(ct);
        LeaveQueue();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            LeaveQueue();
        }
    }

    private void LeaveQueue()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) queue.Release();
    }
}
