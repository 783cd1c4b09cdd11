using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CorePortal.Data;

/// <summary>
/// The app's model on PostgreSQL, the engine several servers share. A type of its own only so that EF Core keeps its
/// migrations (Data/PostgresMigrations) and its model apart from SQLite's, as EF Core's guidance for several providers asks;
/// services ask for <see cref="CoreDbContext"/> and get this one when <c>Database:Provider</c> is <c>Postgres</c>.
/// </summary>
public sealed class PostgresCoreDbContext(DbContextOptions<CoreDbContext> options, WriteGate writeGate) : CoreDbContext(options, writeGate)
{
    public override DatabaseEngine Engine => DatabaseEngine.Postgres;
}

/// <summary>For <c>dotnet ef migrations add X --context PostgresCoreDbContext --output-dir Data/PostgresMigrations</c>: no server is contacted.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCoreDbContext>
{
    public PostgresCoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        PostgresSetup.Configure(options, "Host=127.0.0.1;Database=coreportal_design");
        return new PostgresCoreDbContext(options.Options, new WriteGate());
    }
}

/// <summary>For <c>dotnet ef migrations add X --context CoreDbContext --output-dir Data/Migrations</c> (SQLite).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<CoreDbContext>
{
    public CoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        SqliteSetup.Configure(options, "Data Source=design.db");
        return new CoreDbContext(options.Options, new WriteGate());
    }
}
