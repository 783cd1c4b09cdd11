using Microsoft.EntityFrameworkCore;

namespace CorePortal.Data;

/// <summary>The two engines: SQLite, embedded, the default; PostgreSQL, shared by several app servers.</summary>
public enum DatabaseEngine { Sqlite, Postgres }

/// <summary><c>Database:Provider</c> and <c>ConnectionStrings:Core</c>, read once at start-up.</summary>
public sealed record DatabaseSettings(DatabaseEngine Engine, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration configuration, string contentRoot)
    {
        var engine = configuration["Database:Provider"]?.Trim() switch
        {
            null or "" => DatabaseEngine.Sqlite,
            var p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => DatabaseEngine.Sqlite,
            var p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || p.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) => DatabaseEngine.Postgres,
            var p => throw new InvalidOperationException($"Database:Provider is \"{p}\"; it must be Sqlite (the default) or Postgres."),
        };
        if (engine == DatabaseEngine.Sqlite) return new(engine, SqliteSetup.ConnectionString(configuration, contentRoot));
        var connectionString = configuration.GetConnectionString("Core");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("With Database:Provider=Postgres, ConnectionStrings:Core must be an Npgsql connection string (Host=…;Database=…;Username=…;Password=…).");
        return new(engine, connectionString);
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        if (Engine == DatabaseEngine.Postgres) PostgresSetup.Configure(options, ConnectionString);
        else SqliteSetup.Configure(options, ConnectionString);
    }

    /// <summary>A context of the engine's own type, so EF Core picks that engine's model and migrations.</summary>
    public CoreDbContext CreateContext(DbContextOptions<CoreDbContext> options, WriteGate writeGate) =>
        Engine == DatabaseEngine.Postgres ? new PostgresCoreDbContext(options, writeGate) : new CoreDbContext(options, writeGate);
}

/// <summary>The app's context factory: every service's <c>IDbContextFactory&lt;CoreDbContext&gt;</c>, on the configured engine.</summary>
public sealed class EngineContextFactory(DbContextOptions<CoreDbContext> options, WriteGate writeGate, DatabaseSettings settings) : IDbContextFactory<CoreDbContext>
{
    public CoreDbContext CreateDbContext() => settings.CreateContext(options, writeGate);
}
