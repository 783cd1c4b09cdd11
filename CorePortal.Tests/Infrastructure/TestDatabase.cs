using CorePortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// A real database, migrated, with the app's own connection settings and its own write door (one per database, as the app has
/// one): a SQLite file in a temp folder, or a fresh PostgreSQL database on the test server (<see cref="TestEngine"/> picks, unless
/// the test names the engine). Every context it makes refuses writes around the door (<see cref="WriteDoorGuard"/>). Deleted on dispose.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<CoreDbContext>, IDisposable
{
    private readonly string? _folder;
    private readonly DbContextOptions<CoreDbContext> _options;

    public TestDatabase() : this(TestEngine.Current) { }

    public TestDatabase(DatabaseEngine engine)
    {
        if (engine == DatabaseEngine.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
            ConnectionString = PostgresServer.Shared.CreateDatabase(); // a copy of the migrated template
        }
        else
        {
            _folder = Directory.CreateTempSubdirectory("coreportal-test-").FullName;
            ConnectionString = $"Data Source={System.IO.Path.Combine(_folder, "test.db")}";
        }
        Settings = new DatabaseSettings(engine, ConnectionString);
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        Settings.Configure(options);
        options.AddInterceptors(WriteDoorGuard.Instance);
        _options = options.Options;
        if (engine == DatabaseEngine.Sqlite)
        {
            using var db = CreateDbContext();
            db.MigrateAsync().GetAwaiter().GetResult(); // a free door and a synchronous engine: nothing waits
        }
    }

    public DatabaseSettings Settings { get; }
    public DatabaseEngine Engine => Settings.Engine;
    public string ConnectionString { get; }
    public WriteGate WriteGate { get; } = new();

    public CoreDbContext CreateDbContext() => Settings.CreateContext(_options, WriteGate);

    /// <summary>The write door for synchronous fixtures (constructors); commit with <see cref="SyncWrite.Commit"/>.</summary>
    public static SyncWrite BeginWrite(CoreDbContext db) => new(db.BeginWriteAsync().GetAwaiter().GetResult());

    /// <summary>
    /// A write transaction for synchronous fixture code. Blocking is safe here: SQLite's driver completes its "async" calls
    /// synchronously, so at worst the thread waits for the writer ahead of it; PostgreSQL's door has no queue.
    /// </summary>
    public sealed class SyncWrite(WriteTransaction tx) : IDisposable
    {
        public void Commit() => tx.CommitAsync().GetAwaiter().GetResult();
        public void Dispose() => tx.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (Engine == DatabaseEngine.Postgres)
        {
            PostgresServer.Shared.DropDatabase(ConnectionString);
            return;
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder!, recursive: true); } catch (IOException) { } // best effort on a temp folder
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
