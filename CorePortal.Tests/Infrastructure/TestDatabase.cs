using CorePortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// A real SQLite file in a temp folder, migrated, with the app's own connection settings and its own write door (one per
/// database, as the app has one). Every context it makes refuses writes around the door (<see cref="WriteDoorGuard"/>).
/// Deleted on dispose.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<CoreDbContext>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coreportal-test-").FullName;

    public TestDatabase()
    {
        Path = System.IO.Path.Combine(_folder, "test.db");
        ConnectionString = $"Data Source={Path}";
        using var db = CreateDbContext();
        db.MigrateAsync().GetAwaiter().GetResult(); // a free door and a synchronous engine: nothing waits
    }

    public string Path { get; }
    public string ConnectionString { get; }
    public WriteGate WriteGate { get; } = new();

    public CoreDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        SqliteSetup.Configure(options, ConnectionString);
        options.AddInterceptors(WriteDoorGuard.Instance);
        return new CoreDbContext(options.Options, WriteGate);
    }

    /// <summary>The write door for synchronous fixtures (constructors); commit with <see cref="SyncWrite.Commit"/>.</summary>
    public static SyncWrite BeginWrite(CoreDbContext db) => new(db.BeginWriteAsync().GetAwaiter().GetResult());

    /// <summary>
    /// A write transaction for synchronous fixture code. Blocking is safe here: SQLite's driver completes its "async" calls
    /// synchronously, so at worst the thread waits for the writer ahead of it.
    /// </summary>
    public sealed class SyncWrite(WriteTransaction tx) : IDisposable
    {
        public void Commit() => tx.CommitAsync().GetAwaiter().GetResult();
        public void Dispose() => tx.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}

public static class FixtureWrites
{
    /// <summary>Writes a fixture by hand as the app writes: one context, through the write door, committed.</summary>
    public static async Task WriteAsync(this IDbContextFactory<CoreDbContext> factory, Func<CoreDbContext, Task> write)
    {
        await using var db = await factory.CreateDbContextAsync();
        await using var tx = await db.BeginWriteAsync();
        await write(db);
        await tx.CommitAsync();
    }
}
