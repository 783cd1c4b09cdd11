using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Members;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Credits;

/// <summary>
/// The read services take the caller: a member's login reads its own client, and the purchases it owns or holds an
/// accepted share on, and gets Forbidden for anyone else's, whichever service or id it tries.
/// </summary>
public sealed class ReadAccessTests : IAsyncLifetime, IDisposable
{
    private readonly StudioBuilder _world = new();
    private Client _maya = null!;
    private Client _leo = null!;
    private Client _ana = null!;
    private Purchase _mayasPack = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync();
        _maya = await _world.ClientAsync("Maya", "Patel");
        _leo = await _world.ClientAsync("Leo", "Chen");
        _ana = await _world.ClientAsync("Ana", "Lopez");
        _mayasPack = await _world.SellAsync(_maya, "Family Pack", credits: 10, sharing: true);
        await _world.ShareAsync(_mayasPack, _leo, ShareStatus.Accepted);
        await _world.ShareAsync(_mayasPack, _ana, ShareStatus.Declined);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_reading_another_clients_balances_gets_Forbidden()
    {
        var credits = new CreditReadService(_world.Db, _world.Clock);
        var ana = TestUsers.Member(_ana);
        Assert.Equal(Outcome.Forbidden, (await credits.ProfileAsync(ana, _maya.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.PurchasesAsync(ana, _maya.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.SharedWithAsync(ana, _leo.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.PurchaseAsync(ana, _mayasPack.Id, Ct)).Outcome); // a declined share gives no access

        Assert.Equal("Maya", (await credits.ProfileAsync(TestUsers.Member(_maya), _maya.Id, Ct)).Value!.FirstName);
        Assert.Equal(_mayasPack.Id, (await credits.PurchaseAsync(TestUsers.Member(_leo), _mayasPack.Id, Ct)).Value!.Id); // accepted share
        Assert.Equal(_mayasPack.Id, Assert.Single((await credits.SharedWithAsync(TestUsers.Member(_leo), _leo.Id, Ct)).Value!).Id);
        Assert.Equal(_mayasPack.Id, Assert.Single((await credits.PurchasesAsync(TestUsers.Trainer, _maya.Id, Ct)).Value!).Id);
    }

    [Fact]
    public async Task A_member_reading_the_credit_history_of_a_purchase_not_theirs_gets_Forbidden()
    {
        var history = new CreditHistoryService(_world.Db);
        Assert.Equal(Outcome.Forbidden, (await history.ForPurchaseAsync(TestUsers.Member(_ana), _mayasPack.Id, ct: Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await history.ExportCsvAsync(TestUsers.Member(_ana), _mayasPack.Id, null, Ct)).Outcome);
        Assert.NotEmpty((await history.ForPurchaseAsync(TestUsers.Member(_maya), _mayasPack.Id, ct: Ct)).Value!);
    }

    [Fact]
    public async Task A_member_reading_another_clients_sharing_gets_Forbidden()
    {
        var queries = new SharingQueries(_world.Db, _world.Clock);
        Assert.Equal(Outcome.Forbidden, (await queries.SharedWithClientAsync(TestUsers.Member(_ana), _leo.Id, Ct)).Outcome);
        // Who holds a place is the owner's to see, not a buddy's.
        Assert.Equal(Outcome.Forbidden, (await queries.PurchaseAsync(TestUsers.Member(_leo), _mayasPack.Id, Ct)).Outcome);
        Assert.Equal(2, (await queries.PurchaseAsync(TestUsers.Member(_maya), _mayasPack.Id, Ct)).Value!.Users.Count);
        Assert.Equal(Outcome.NotFound, (await queries.PurchaseAsync(TestUsers.Staff, 999_999, Ct)).Outcome);
    }

    [Fact]
    public async Task A_member_reading_another_clients_bookings_gets_Forbidden()
    {
        var members = new MemberQueries(_world.Db, _world.Clock);
        Assert.Equal(Outcome.Forbidden, (await members.BookingsAsync(TestUsers.Member(_ana), _maya.Id, upcoming: true, 0, 25, Ct)).Outcome);
        Assert.Equal(0, (await members.BookingsAsync(TestUsers.Member(_maya), _maya.Id, upcoming: true, 0, 25, Ct)).Value!.TotalCount);
    }

    [Fact]
    public async Task A_member_reading_the_visits_of_a_purchase_not_theirs_gets_Forbidden()
    {
        Assert.Equal(Outcome.Forbidden, (await _world.Visits.VisitsAsync(TestUsers.Member(_ana), _mayasPack.Id, 0, 25, Ct)).Outcome);
        Assert.Equal(Outcome.Ok, (await _world.Visits.VisitsAsync(TestUsers.Member(_leo), _mayasPack.Id, 0, 25, Ct)).Outcome);
    }

    [Fact]
    public async Task The_schedule_is_read_by_the_studio_team_and_members_and_no_one_else()
    {
        var noRole = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([], "test"));
        Assert.Equal(Outcome.Forbidden, (await _world.Schedule.LocationsAsync(noRole, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _world.Schedule.DayAsync(noRole, _world.Today, _world.Location.Id, Ct)).Outcome);
        Assert.Single((await _world.Schedule.LocationsAsync(TestUsers.Member(_ana), Ct)).Value!);
        Assert.Single((await _world.Schedule.LocationsAsync(TestUsers.Trainer, Ct)).Value!);
    }

    public void Dispose() => _world.Dispose();
}
