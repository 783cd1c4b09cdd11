using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;

namespace CorePortal.Features;

/// <summary>Registers each feature's services; one line a service, grouped by feature.</summary>
public static class FeatureSetup
{
    public static void AddPortalFeatures(this IServiceCollection services)
    {
        // Clients and credits
        services.AddScoped<ClientSearchService>();
        services.AddScoped<CreditReadService>();
        services.AddScoped<CreditAdjustmentService>();
        services.AddScoped<CreditHistoryService>();

        // Live
        services.AddSingleton<BalanceFeed>();

        // Booking: the schedule, booking from credit pools, Show Visits
        services.AddScoped<Bookings.BookingService>();
        services.AddScoped<Bookings.ScheduleService>();
        services.AddScoped<Bookings.VisitHistoryService>();

        // Reports
        services.AddScoped<Reports.ReportsService>();
        services.AddScoped<Reports.ReportCsv>();
    }
}
