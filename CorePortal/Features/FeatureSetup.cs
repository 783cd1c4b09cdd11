using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;

namespace CorePortal.Features;

/// <summary>Registers each feature's services; one line a service, grouped by feature.</summary>
public static class FeatureSetup
{
    public static void AddPortalFeatures(this IServiceCollection services)
    {
        // Metrics: one meter the services record into; MetricsSetup exports it
        services.AddMetrics();
        services.AddSingleton<Common.PortalMetrics>();

        // Clients and credits
        services.AddSingleton<ClientSearchService>(); // holds no state but the connection string it reads once
        services.AddScoped<ClientEditService>();
        services.AddScoped<CreditReadService>();
        services.AddScoped<CreditAdjustmentService>();
        services.AddScoped<CreditHistoryService>();

        // Live
        services.AddSingleton<BalanceFeed>();

        // Booking: the schedule, booking from credit pools, Show Visits
        services.AddScoped<Bookings.BookingService>();
        services.AddScoped<Bookings.BookingPolicyService>();
        services.AddScoped<Bookings.ScheduleService>();
        services.AddScoped<Bookings.VisitHistoryService>();
        // The waitlist: BookingService fills a freed place through the promoter, which books through BookingService (hence the Func).
        services.AddScoped<Bookings.WaitlistService>();
        services.AddScoped<Bookings.WaitlistPromoter>();
        services.AddScoped<Func<Bookings.WaitlistPromoter>>(sp => sp.GetRequiredService<Bookings.WaitlistPromoter>);
        services.AddSingleton<Bookings.WaitlistJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Bookings.WaitlistJob>());

        // Sharing: Retail Configurations, New Sale with shared clients, invitations through the outbox
        services.AddScoped<Catalog.CatalogService>();
        services.AddScoped<Locations.LocationService>();
        services.AddScoped<Sales.SaleService>();
        services.AddScoped<Memberships.FreezeService>();
        services.AddScoped<Memberships.BulkFreezeService>();
        services.AddScoped<Memberships.CancellationService>();
        services.AddScoped<Memberships.FreezeRequestService>();
        // Memberships: the period boundary (renewal) and the job that renews, rolls over and expires
        services.AddScoped<Memberships.MembershipRenewal>();
        services.AddSingleton<Memberships.MembershipJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Memberships.MembershipJob>());
        services.AddScoped<Sharing.SharingService>();
        services.AddScoped<Sharing.ShareLimitsService>();
        services.AddScoped<Sharing.SharingTermsService>();
        services.AddScoped<Sharing.SharingQueries>();
        services.AddScoped<Sharing.MemberInvitationService>();
        services.AddOptions<Sharing.SharingOptions>().BindConfiguration(Sharing.SharingOptions.Section);
        services.AddScoped<Notifications.NotificationService>();
        services.AddScoped<Members.MemberAccountService>();
        services.AddScoped<Members.MemberQueries>();
        services.AddOptions<Notifications.SmtpOptions>().BindConfiguration(Notifications.SmtpOptions.Section);
        services.AddSingleton<Notifications.MailSender>();
        services.AddSingleton<Notifications.IPushSender, Notifications.FeedPushSender>();
        services.AddSingleton<Notifications.OutboxSignal>();
        services.AddSingleton<Notifications.OutboxDelivery>();
        services.AddHostedService<Notifications.OutboxWorker>();

        // Reports
        services.AddScoped<Reports.ReportsService>();
        services.AddScoped<Reports.ReportCsv>();
        services.AddHostedService<Reports.LiabilitySnapshotJob>();
    }
}
