using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Clients;

/// <summary>The profile and its Payment tab: who loads the cards, and when they are loaded again.</summary>
public sealed class ClientProfilePageTests : PortalComponentTest, IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private readonly StudioBuilder _studio;
    private Client _maya = null!;
    private Purchase _pack = null!;

    public ClientProfilePageTests()
    {
        _studio = new StudioBuilder(_db, _clock);
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_db);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(new BalanceFeed(NullLogger<BalanceFeed>.Instance));
        Services.AddSingleton<OutboxSignal>();
        Services.AddScoped<CreditReadService>();
        Services.AddScoped<CorePortal.Features.Clients.ClientEditService>();
        Services.AddScoped<SharingService>();
        Services.AddScoped<SharingQueries>();
        Services.AddScoped<NotificationService>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<CorePortal.Features.Memberships.FreezeService>(); // each purchase card asks whether it is frozen
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
        ComponentFactories.AddStub<AppLoginStatus>(); // members' app logins need Identity; not what these tests are about
    }

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        _maya = await _studio.ClientAsync("Maya", "Chen");
        _pack = await _studio.SellAsync(await _studio.PackageAsync("10-Class Pack", 10), _maya, new DateOnly(2026, 11, 1));
    }

    [Fact]
    public void The_page_hands_the_Payment_tab_the_cards_it_loaded_with_the_header()
    {
        var cut = Render<ClientProfilePage>(p => p.Add(x => x.Id, _maya.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=client-header]"));
        var handed = cut.FindComponent<PaymentTab>().Instance.Loaded;
        Assert.Equal([_pack.Id], handed!.Select(c => c.Id));
        Assert.Contains("10 of 10 remaining", cut.Find($"[data-testid=purchase-{_pack.Id}]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Payment_tab_shows_the_cards_it_is_handed_and_does_not_query_again_for_the_same_client()
    {
        var handed = (await Services.GetRequiredService<CreditReadService>().PurchasesAsync(TestUsers.Staff, _maya.Id)).Value;
        var tab = Render<PaymentTab>(p => p.Add(t => t.ClientId, _maya.Id).Add(t => t.Loaded, handed));
        Assert.NotEmpty(tab.FindAll($"[data-testid=purchase-{_pack.Id}]")); // in its first render: no query to wait for

        // Written behind the feed's back: only a new query could show it.
        var unseen = await _studio.SellAsync(await _studio.PackageAsync("5-Class Pack", 5), _maya, new DateOnly(2026, 11, 20));
        tab.Render(p => p.Add(t => t.ClientId, _maya.Id).Add(t => t.Loaded, handed));

        Assert.Empty(tab.FindAll($"[data-testid=purchase-{unseen.Id}]"));
        Assert.NotEmpty(tab.FindAll($"[data-testid=purchase-{_pack.Id}]"));
    }

    [Fact]
    public async Task The_Payment_tab_opened_again_after_another_tab_shows_a_sale_made_meanwhile()
    {
        var cut = Render<ClientProfilePage>(p => p.Add(x => x.Id, _maya.Id));
        cut.WaitForAssertion(() => cut.Find($"[data-testid=purchase-{_pack.Id}]"));

        await cut.InvokeAsync(() => Tab(cut, "Shared with me").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll($"[data-testid=purchase-{_pack.Id}]")));
        var sold = await _studio.SellAsync(await _studio.PackageAsync("5-Class Pack", 5), _maya, new DateOnly(2026, 11, 20));
        // The sale's live update may re-render the tabs: find and click in one turn of the renderer.
        await cut.InvokeAsync(() => Tab(cut, "Payment").Click());

        cut.WaitForAssertion(() => Assert.Contains("5 of 5 remaining", cut.Find($"[data-testid=purchase-{sold.Id}]").TextContent, StringComparison.Ordinal));
        Assert.NotEmpty(cut.FindAll($"[data-testid=purchase-{_pack.Id}]"));
    }

    private static AngleSharp.Dom.IElement Tab(IRenderedComponent<ClientProfilePage> cut, string name) =>
        cut.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == name);

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _db.Dispose();
    }
}
