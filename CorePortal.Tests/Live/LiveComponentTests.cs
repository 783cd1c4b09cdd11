using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Components.Pages.Live;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Live;

/// <summary>Components that listen to the feed: they update from it while shown and stop listening once disposed.</summary>
public sealed class LiveComponentTests : PortalComponentTest, IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private Client _maya = null!;
    private Purchase _pack = null!;

    public LiveComponentTests()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_world.Db);
        Services.AddSingleton(_world.Feed);
        Services.AddSingleton<TimeProvider>(_world.Clock);
        Services.AddScoped<ScheduleService>();
        Services.AddScoped<CreditReadService>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<CorePortal.Features.Memberships.FreezeService>(); // each purchase card asks whether it is frozen
        var auth = AddAuthorization();
        auth.SetAuthorized("Taylor Trainer");
        auth.SetRoles(Roles.Trainer);
    }

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync();
        _maya = await _world.ClientAsync("Maya", "Chen");
        _pack = await _world.SellAsync(_maya, "10-Class Pack", credits: 10);
    }

    [Fact]
    public async Task The_Live_page_shows_a_booking_made_elsewhere_with_the_credits_left()
    {
        var session = await _world.SessionAsync("HIIT 45", dayOffset: 0, at: new TimeOnly(18, 0)); // later today: a started session takes no bookings
        var cut = Render<LivePage>();
        cut.WaitForAssertion(() => Assert.Contains("Nobody booked yet.", cut.Markup, StringComparison.Ordinal));

        await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, _maya.Id, _pack.Id, null);

        cut.WaitForAssertion(() =>
        {
            var attendee = cut.Find("[data-testid=live-attendee]");
            Assert.Contains("Maya Chen", attendee.TextContent, StringComparison.Ordinal);
            Assert.Equal("9", cut.Find("[data-testid=credits-left]").TextContent);
            Assert.Contains("flash", cut.Find("[data-testid=credits-left]").ClassName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_disposed_Live_page_stops_listening_to_the_feed()
    {
        var session = await _world.SessionAsync("HIIT 45", dayOffset: 0, at: new TimeOnly(18, 0)); // later today: a started session takes no bookings
        var before = _world.Feed.SubscriberCount;
        var cut = Render<LivePage>();
        cut.WaitForAssertion(() => Assert.Equal(before + 1, _world.Feed.SubscriberCount));

        await DisposeComponentsAsync();
        await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, _maya.Id, _pack.Id, null);

        Assert.Equal(before, _world.Feed.SubscriberCount);
    }

    [Fact]
    public async Task A_disposed_Payment_tab_stops_listening_to_the_feed()
    {
        var before = _world.Feed.SubscriberCount;
        var cut = Render<PaymentTab>(p => p.Add(t => t.ClientId, _maya.Id));
        cut.WaitForAssertion(() => Assert.Contains("10 of 10 remaining", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(before + 1, _world.Feed.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(before, _world.Feed.SubscriberCount);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _world.Dispose();
    }
}
