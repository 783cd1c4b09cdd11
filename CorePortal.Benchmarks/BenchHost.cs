using CorePortal.Data;
using CorePortal.Features;
using CorePortal.Features.Auth;
using CorePortal.Features.Live;
using CorePortal.Features.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// The app's own services over one SQLite file, registered the way Program.cs does (no Kestrel: the scenarios
/// here call the services directly). The database is migrated and seeded by the app's DemoSeeder.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, string databasePath)
    {
        _app = app;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }
    public string ConnectionString => $"Data Source={DatabasePath}";
    public IServiceProvider Services => _app.Services;

    public static async Task<BenchHost> StartAsync(string databasePath, int clients)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Core"] = $"Data Source={databasePath}",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPortalData(builder.Configuration, builder.Environment);
        builder.Services.AddPortalAuth(builder.Configuration);
        builder.Services.AddPortalFeatures();
        builder.Services.AddPortalLive(builder.Configuration);
        var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(new SeedOptions { Demo = true, Clients = clients });
        return new BenchHost(app, databasePath);
    }

    public CoreDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContext();

    /// <summary>A raw connection with the app's pragmas (WAL, synchronous=FULL, busy_timeout).</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        SqlitePragmaInterceptor.Apply(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
