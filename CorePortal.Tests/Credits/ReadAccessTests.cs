using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Members;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Bookings;

namespace CorePortal.Tests.Credits;

/// <summary>
/// The read services take the caller: a member's login reads its own client, and the purchases it owns or holds an
/// accepted share on, and gets Forbidden for anyone else's, whichever service or id it tries.
/// </summary>
public sealed class ReadAccessTests : IDisposable
{
    private readonly BookingWorld _world = new();
    private readonly Client _maya;
    private readonly Client _leo;
    private readonly Client _ana;
    private readonly Purchase _mayasPack;

    public ReadAccessTests()
    {
        _maya = _world.AddClient("Maya", "Patel");
        _leo = _world.AddClient("Leo", "Chen");
        _ana = _world.AddClient("Ana", "Lopez");
        _mayasPack = _world.Sell(_maya, "Family Pack", credits: 10, sharing: true);
        _world.Share(_mayasPack, _leo, ShareStatus.Accepted);
        _world.Share(_mayasPack, _ana, ShareStatus.Declined);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_reading_another_clients_balances_gets_Forbidden()
    {
        var credits = new CreditReadService(_world.Db, _world.Clock);
        var ana = BookingWorld.Member(_ana);
        Assert.Equal(Outcome.Forbidden, (await credits.ProfileAsync(ana, _maya.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.PurchasesAsync(ana, _maya.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.SharedWithAsync(ana, _leo.Id, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await credits.PurchaseAsync(ana, _mayasPack.Id, Ct)).Outcome); // a declined share gives no access

        Assert.Equal("Maya", (await credits.ProfileAsync(BookingWorld.Member(_maya), _maya.Id, Ct)).Value!.FirstName);
        Assert.Equal(_mayasPack.Id, (await credits.PurchaseAsync(BookingWorld.Member(_leo), _mayasPack.Id, Ct)).Value!.Id); // accepted share
        Assert.Equal(_mayasPack.Id, Assert.Single((await credits.SharedWithAsync(BookingWorld.Member(_leo), _leo.Id, Ct)).Value!).Id);
        Assert.Equal(_mayasPack.Id, Assert.Single((await credits.PurchasesAsync(BookingWorld.Trainer, _maya.Id, Ct)).Value!).Id);
    }

    [Fact]
    public async Task A_member_reading_the_credit_history_of_a_purchase_not_theirs_gets_Forbidden()
    {
        var history = new CreditHistoryService(_world.Db);
        Assert.Equal(Outcome.Forbidden, (await history.ForPurchaseAsync(BookingWorld.Member(_ana), _mayasPack.Id, ct: Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await history.ExportCsvAsync(BookingWorld.Member(_ana), _mayasPack.Id, null, Ct)).Outcome);
        Assert.NotEmpty((await history.ForPurchaseAsync(BookingWorld.Member(_maya), _mayasPack.Id, ct: Ct)).Value!);
    }

    [Fact]
    public async Task A_member_reading_another_clients_sharing_gets_Forbidden()
    {
        var queries = new SharingQueries(_world.Db, _world.Clock);
        Assert.Equal(Outcome.Forbidden, (await queries.SharedWithClientAsync(BookingWorld.Member(_ana), _leo.Id, Ct)).Outcome);
        // Who holds a place is the owner's to see, not a buddy's.
        Assert.Equal(Outcome.Forbidden, (await queries.PurchaseAsync(BookingWorld.Member(_leo), _mayasPack.Id, Ct)).Outcome);
        Assert.Equal(2, (await queries.PurchaseAsync(BookingWorld.Member(_maya), _mayasPack.Id, Ct)).Value!.Users.Count);
        Assert.Equal(Outcome.NotFound, (await queries.PurchaseAsync(BookingWorld.Staff, 999_999, Ct)).Outcome);
    }

    [Fact]
    public async Task A_member_reading_another_clients_bookings_gets_Forbidden()
    {
        var members = new MemberQueries(_world.Db, _world.Clock);
        Assert.Equal(Outcome.Forbidden, (await members.BookingsAsync(BookingWorld.Member(_ana), _maya.Id, upcoming: true, 0, 25, Ct)).Outcome);
        Assert.Equal(0, (await members.BookingsAsync(BookingWorld.Member(_maya), _maya.Id, upcoming: true, 0, 25, Ct)).Value!.TotalCount);
    }

    [Fact]
    public async Task A_member_reading_the_visits_of_a_purchase_not_theirs_gets_Forbidden()
    {
        Assert.Equal(Outcome.Forbidden, (await _world.Visits.VisitsAsync(BookingWorld.Member(_ana), _mayasPack.Id, 0, 25, Ct)).Outcome);
        Assert.Equal(Outcome.Ok, (await _world.Visits.VisitsAsync(BookingWorld.Member(_leo), _mayasPack.Id, 0, 25, Ct)).Outcome);
    }

    [Fact]
    public async Task The_schedule_is_read_by_the_studio_team_and_members_and_no_one_else()
    {
        var noRole = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([], "test"));
        Assert.Equal(Outcome.Forbidden, (await _world.Schedule.LocationsAsync(noRole, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _world.Schedule.DayAsync(noRole, BookingWorld.Today, _world.Location.Id, Ct)).Outcome);
        Assert.Single((await _world.Schedule.LocationsAsync(BookingWorld.Member(_ana), Ct)).Value!);
        Assert.Single((await _world.Schedule.LocationsAsync(BookingWorld.Trainer, Ct)).Value!);
    }

    public void Dispose() => _world.Dispose();
}
