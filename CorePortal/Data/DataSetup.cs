using CorePortal.Features.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CorePortal.Data;

public static class DataSetup
{
    public static void AddPortalData(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment env)
    {
        var settings = DatabaseSettings.From(configuration, env.ContentRootPath);
        services.AddSingleton(settings);
        // The write door: one per app, handed to every context the factory makes (see WriteGate).
        services.AddSingleton<WriteGate>();
        // One context per operation from the factory, of the engine's own type; Identity's stores get the scoped context it also registers.
        services.AddDbContextFactory<CoreDbContext, EngineContextFactory>(settings.Configure);
        services.AddSingleton<DbCommandMetrics>().ConfigureDbContext<CoreDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<DbCommandMetrics>()), ServiceLifetime.Singleton);
        services.Configure<SeedOptions>(o => o.Demo = env.IsDevelopment());
        services.Configure<SeedOptions>(configuration.GetSection(SeedOptions.Section));
        services.AddScoped<DemoSeeder>();
    }

    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.MigrateAsync();
    }

    /// <summary>With Seed:Demo on (the default in Development), an empty database gets the demo studio.</summary>
    public static async Task SeedOnStartAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value;
        if (!options.Demo) return;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        await WriteGate.RunAloneAsync(db, "seed", () => scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(options));
    }
}
