using CorePortal.Features.Catalog;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;

namespace CorePortal.Features;

/// <summary>Registers each feature's services; one line a service, grouped by feature.</summary>
public static class FeatureSetup
{
    public static void AddPortalFeatures(this IServiceCollection services)
    {
        // Live
        services.AddSingleton<BalanceFeed>();

        // Sharing: Retail Configurations, New Sale with shared clients, invitations through the outbox
        services.AddScoped<CatalogService>();
        services.AddScoped<SaleService>();
        services.AddScoped<SaleClientLookup>();
        services.AddScoped<SharingService>();
        services.AddScoped<SharingTermsService>();
        services.AddScoped<SharingQueries>();
        services.AddScoped<NotificationService>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddSingleton<MailSender>();
        services.AddSingleton<IPushSender, FeedPushSender>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService<OutboxWorker>();
    }
}
