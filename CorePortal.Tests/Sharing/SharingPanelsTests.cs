using Bunit;
using Bunit.TestDoubles;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Clients;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Sharing;

public sealed class SharingPanelsTests : BunitContext, IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();
    private readonly BunitAuthorizationContext _auth;

    public SharingPanelsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_studio.Db);
        Services.AddSingleton<TimeProvider>(_studio.Clock);
        Services.AddSingleton(_studio.Feed);
        Services.AddSingleton(_studio.Signal);
        Services.AddScoped<SharingService>();
        Services.AddScoped<SharingQueries>();
        Services.AddScoped<SharingTermsService>();
        Services.AddScoped<ShareLimitsService>();
        Services.AddSingleton<ClientSearchService>();
        Services.AddScoped<NotificationService>();
        Services.AddScoped<CurrentUser>();
        _auth = AddAuthorization();
    }

    private void SignIn(string name, string role, params string[] policies)
    {
        _auth.SetAuthorized(name);
        _auth.SetRoles(role);
        _auth.SetPolicies(policies);
    }

    [Fact]
    public async Task Staff_accept_a_pending_client_on_their_behalf_and_the_panel_shows_them_accepted()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        SignIn("Sam Staff", Roles.Staff, Policies.Staff, Policies.StudioTeam);
        var panel = Render<AuthorizedUsersPanel>(p => p.Add(x => x.PurchaseId, purchaseId));

        panel.WaitForAssertion(() => Assert.Equal("Pending", panel.Find("[data-testid=share-status]").TextContent));
        Assert.Contains("Sharing with up to 3 clients · 2 places left", panel.Find("[data-testid=sharing-terms]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Email: waiting to send", panel.Find("[data-testid=delivery-email]").TextContent, StringComparison.Ordinal);
        panel.Find("[data-testid=accept-share]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Accepted", panel.Find("[data-testid=share-status]").TextContent));
    }

    [Fact]
    public async Task Staff_set_a_cap_and_a_pause_in_the_limits_dialog_and_the_panel_shows_the_use_against_the_cap_and_a_paused_chip()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        SignIn("Sam Staff", Roles.Staff, Policies.Staff, Policies.StudioTeam);
        var providers = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudBlazor.MudDialogProvider>(1);
            b.CloseComponent();
        });
        var panel = Render<AuthorizedUsersPanel>(p => p.Add(x => x.PurchaseId, purchaseId));
        panel.WaitForAssertion(() => panel.Find("[data-testid=share-limits]")); // loaded: the shares are listed
        Assert.Empty(panel.FindAll("[data-testid=share-paused-chip]"));

        panel.Find("[data-testid=share-limits]").Click();
        providers.WaitForAssertion(() => providers.Find("[data-testid=share-limits-dialog]"));
        providers.Find("#cap-per-period").Change("4");
        var pause = providers.Find("[data-testid=share-paused]"); // MudBlazor puts the attribute on the switch's input
        (pause.TagName == "INPUT" ? pause : pause.QuerySelector("input")!).Change(true);
        providers.Find("[data-testid=share-limits-save]").Click();

        panel.WaitForAssertion(() =>
        {
            Assert.StartsWith("0 of 4 this ", panel.Find("[data-testid=share-use]").TextContent.Trim(), StringComparison.Ordinal);
            Assert.Single(panel.FindAll("[data-testid=share-paused-chip]"));
        });
    }

    [Fact]
    public async Task A_trainer_sees_the_authorized_users_but_no_buttons_to_change_them()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        SignIn("Tia Trainer", Roles.Trainer, Policies.StudioTeam);
        var panel = Render<AuthorizedUsersPanel>(p => p.Add(x => x.PurchaseId, purchaseId));

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=authorized-user]")));
        Assert.Empty(panel.FindAll("[data-testid=accept-share]"));
        Assert.Empty(panel.FindAll("[data-testid=remove-share]"));
        Assert.Empty(panel.FindAll("[data-testid=share-limits]"));
        Assert.Empty(panel.FindAll("[data-testid=add-authorized]"));
    }

    [Fact]
    public async Task A_manager_is_offered_to_turn_sharing_on_for_a_purchase_sold_without_it()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        SignIn("Mia Manager", Roles.Manager, Policies.Manager, Policies.Staff, Policies.StudioTeam);
        var panel = Render<AuthorizedUsersPanel>(p => p.Add(x => x.PurchaseId, purchaseId));

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=enable-sharing]")));
        Assert.Contains("Sharing was off for 10-Class Pack when it was sold.", panel.Find("[data-testid=sharing-terms]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_with_me_shows_the_owner_status_and_the_pools_balance()
    {
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        SignIn("Sam Staff", Roles.Staff, Policies.Staff, Policies.StudioTeam);
        var panel = Render<SharedWithMePanel>(p => p.Add(x => x.ClientId, _studio["Leo Chen"]));

        panel.WaitForAssertion(() =>
        {
            var row = panel.Find("[data-testid=shared-package]").TextContent;
            Assert.Contains("20-Class Family Pack", row, StringComparison.Ordinal);
            Assert.Contains("Maya Chen", row, StringComparison.Ordinal);
            Assert.Contains("Waiting for the client to accept", row, StringComparison.Ordinal);
            Assert.Contains("20 left", row, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_notification_feed_shows_what_the_push_said()
    {
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        await new FeedPushSender(_studio.Db, _studio.Clock).SendAsync(_studio["Leo Chen"], "Maya Chen has shared 20-Class Family Pack with you for use at Downtown Studio.", null, default);
        SignIn("Sam Staff", Roles.Staff, Policies.Staff, Policies.StudioTeam);
        var panel = Render<NotificationFeedPanel>(p => p.Add(x => x.ClientId, _studio["Leo Chen"]));

        panel.WaitForAssertion(() => Assert.Contains("Maya Chen has shared 20-Class Family Pack with you for use at Downtown Studio.",
            panel.Find("[data-testid=notification]").TextContent, StringComparison.Ordinal));
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _studio.Dispose();
    }
}
