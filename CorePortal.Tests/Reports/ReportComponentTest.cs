using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Reports;

/// <summary>bUnit for the report components: the real ReportsService on a test database, a manager signed in, 23 Nov 2026.</summary>
public abstract class ReportComponentTest : PortalComponentTest, IAsyncLifetime
{
    protected ReportComponentTest()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(Database);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddScoped<ReportsService>();
        Services.AddScoped<CurrentUser>();
        AddAuthorization().SetAuthorized("Mia Manager").SetRoles(Roles.Manager);
    }

    protected TestDatabase Database { get; } = new();
    protected FixedClock Clock { get; } = FixedClock.At(2026, 11, 23);

    public abstract ValueTask InitializeAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
        GC.SuppressFinalize(this);
    }
}
