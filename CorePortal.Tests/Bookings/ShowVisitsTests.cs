using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CorePortal.Tests.Bookings;

/// <summary>Show Visits over a real SQLite file: who used each credit, newest first, paged on the server.</summary>
public sealed class ShowVisitsTests : BunitContext, IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private readonly BunitAuthorizationContext _auth;
    private Client _maya = null!;
    private Client _leo = null!;
    private Purchase _pack = null!;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ShowVisitsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_world.Db);
        Services.AddSingleton(_world.Feed);
        Services.AddScoped<VisitHistoryService>();
        Services.AddSingleton<TimeProvider>(_world.Clock);
        Services.AddScoped<CurrentUser>();
        _auth = AddAuthorization();
        _auth.SetAuthorized("Sam Staff");
        _auth.SetRoles(Roles.Staff);
    }

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync();
        _maya = await _world.ClientAsync("Maya", "Chen");
        _leo = await _world.ClientAsync("Leo", "Chen");
        _pack = await _world.SellAsync(_maya, "20-Class Family Pack", credits: 20, sharing: true);
        await _world.ShareAsync(_pack, _leo, ShareStatus.Accepted);
    }

    [Fact]
    public async Task Each_visit_names_who_used_the_credit_under_Credit_Used_By_newest_first()
    {
        await BookAsync(_maya, "HIIT 45", dayOffset: 1);
        await BookAsync(_leo, "Vinyasa Yoga", dayOffset: 2);

        var cut = Render<ShowVisits>(p => p.Add(v => v.PurchaseId, _pack.Id));

        cut.WaitForAssertion(() =>
        {
            var headers = cut.FindAll("th").Select(h => h.TextContent.Trim()).ToList();
            var usedBy = headers.IndexOf("Credit Used By");
            Assert.Equal(["Date", "Session", "Location", "Trainer", "Status", "Credit Used By"], headers);
            var rows = Rows(cut);
            Assert.Equal(["Vinyasa Yoga", "Leo Chen"], new[] { rows[0][1], rows[0][usedBy] });
            Assert.Equal(["HIIT 45", "Maya Chen"], new[] { rows[1][1], rows[1][usedBy] });
            Assert.Equal("Booked", rows[0][4]);
        });
    }

    [Fact]
    public async Task A_package_with_many_visits_shows_one_page_of_ten_with_the_total_in_the_pager()
    {
        for (var day = 1; day <= 14; day++)
            await BookAsync(day % 2 == 0 ? _leo : _maya, $"Class {day}", dayOffset: day);

        var cut = Render<ShowVisits>(p => p.Add(v => v.PurchaseId, _pack.Id));

        cut.WaitForAssertion(() =>
        {
            var rows = Rows(cut);
            Assert.Equal(10, rows.Count);
            Assert.Equal("Class 14", rows[0][1]);
            Assert.Contains("1-10 of 14", cut.Markup, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_booking_made_elsewhere_appears_in_the_open_visit_list()
    {
        var cut = Render<ShowVisits>(p => p.Add(v => v.PurchaseId, _pack.Id));
        cut.WaitForAssertion(() => Assert.Contains("No visits yet.", cut.Markup, StringComparison.Ordinal));

        await BookAsync(_leo, "Spin 30", dayOffset: 3);

        cut.WaitForAssertion(() => Assert.Equal("Leo Chen", Assert.Single(Rows(cut))[5]));
    }

    [Fact]
    public async Task A_member_who_is_neither_owner_nor_buddy_is_told_they_may_not_see_the_visits()
    {
        var stranger = await _world.ClientAsync("Tom", "Becker");
        _auth.SetAuthorized("Tom Becker");
        _auth.SetRoles(Roles.Member);
        _auth.SetClaims(new System.Security.Claims.Claim(PortalClaimsFactory.ClientIdClaim, stranger.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var cut = Render<ShowVisits>(p => p.Add(v => v.PurchaseId, _pack.Id));

        cut.WaitForAssertion(() => Assert.Contains("does not allow", cut.Find("[data-testid=visits-error]").TextContent, StringComparison.Ordinal));
    }

    private async Task BookAsync(Client client, string session, int dayOffset)
    {
        var result = await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync(session, dayOffset)).Id, client.Id, _pack.Id, null, Ct);
        Assert.True(result.Succeeded, result.Message);
    }

    private static List<List<string>> Rows(IRenderedComponent<ShowVisits> cut) =>
        cut.FindAll("tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();

    protected override ValueTask DisposeAsyncCore()
    {
        _world.Dispose();
        return base.DisposeAsyncCore();
    }
}
