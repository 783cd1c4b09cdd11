using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Sales;
using CorePortal.Tests.Live;
using Microsoft.EntityFrameworkCore;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Sales;

public sealed class SaleServiceTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    [Fact]
    public async Task Sale_with_two_shared_clients_writes_purchase_grant_pending_shares_and_invitations()
    {
        using var published = new FeedProbe(_studio.Feed, BalanceTopic.All);

        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen");

        await using var db = _studio.Db.CreateDbContext();
        var purchase = await db.Purchases.Include(p => p.Periods).SingleAsync(p => p.Id == purchaseId);
        Assert.Equal("20-Class Family Pack", purchase.Name);
        Assert.True(purchase.AllowSharing);
        Assert.Equal(3, purchase.SharingLimit);
        Assert.Equal(20, Assert.Single(purchase.Periods).MaxCredits);
        var grant = await db.Ledger.SingleAsync(l => l.PurchaseId == purchaseId);
        Assert.Equal((LedgerKind.Grant, 20, "Sam Staff"), (grant.Kind, grant.Amount, grant.Actor));
        var shares = await db.PurchaseShares.Where(s => s.PurchaseId == purchaseId).Select(s => new { s.ClientId, s.Status }).ToListAsync();
        Assert.Equal([_studio["Leo Chen"], _studio["Ivy Chen"]], shares.Select(s => s.ClientId).Order().ToArray());
        Assert.All(shares, s => Assert.Equal(ShareStatus.Pending, s.Status));
        var outbox = await db.Outbox.Select(m => new { m.Channel, m.Recipient, m.Body }).ToListAsync();
        Assert.Equal(4, outbox.Count);
        Assert.Contains(outbox, m => m.Channel == OutboxChannel.Email && m.Recipient == "leo.chen@example.com"
            && m.Body == "Maya Chen has shared 20-Class Family Pack with you for use at Downtown Studio.");
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
        Assert.Equal(purchase.Periods[0].Id, Assert.Single(await published.SettleAsync()).PeriodId);
    }

    [Fact]
    public async Task Sale_is_one_transaction_a_failure_while_writing_shares_leaves_no_purchase_ledger_or_outbox()
    {
        await _studio.Db.WriteAsync(db => db.Database.ExecuteSqlRawAsync(db.Engine == DatabaseEngine.Postgres
            ? """
              CREATE FUNCTION refuse_shares() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'share refused'; END $$;
              CREATE TRIGGER refuse_shares BEFORE INSERT ON "PurchaseShares" FOR EACH ROW EXECUTE FUNCTION refuse_shares();
              """
            : "CREATE TRIGGER refuse_shares BEFORE INSERT ON \"PurchaseShares\" BEGIN SELECT RAISE(ABORT, 'share refused'); END;"));

        await Assert.ThrowsAnyAsync<DbUpdateException>(() =>
            _studio.Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(_studio[FamilyStudio.FamilyPack], _studio["Maya Chen"], [_studio["Leo Chen"]])));

        await using var check = _studio.Db.CreateDbContext();
        Assert.Equal(0, await check.Purchases.CountAsync());
        Assert.Equal(0, await check.CreditPeriods.CountAsync());
        Assert.Equal(0, await check.Ledger.CountAsync());
        Assert.Equal(0, await check.Outbox.CountAsync());
        Assert.Equal(0, await check.PurchaseHistory.CountAsync());
    }

    [Fact]
    public async Task Sharing_with_more_clients_than_the_limit_is_refused_and_nothing_is_sold()
    {
        var result = await _studio.Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(_studio[FamilyStudio.FamilyPack], _studio["Maya Chen"],
            [_studio["Leo Chen"], _studio["Ivy Chen"], _studio["Noah Park"], _studio["Zoe Park"]]));

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Equal("Only 3 more clients can be added (the limit is 3).", result.ErrorFor("SharedClientIds"));
        await using var db = _studio.Db.CreateDbContext();
        Assert.Equal(0, await db.Purchases.CountAsync());
    }

    [Theory]
    [InlineData("owner", "The main client already owns this package; choose someone else.")]
    [InlineData("twice", "That client is already authorized on this package.")]
    [InlineData("not shareable", "Sharing is not allowed on this purchase.")]
    public async Task Sale_refuses_sharing_with_the_owner_twice_or_on_an_item_without_sharing(string attempt, string message)
    {
        var (item, shared) = attempt switch
        {
            "owner" => (_studio[FamilyStudio.FamilyPack], new[] { _studio["Maya Chen"] }),
            "twice" => (_studio[FamilyStudio.FamilyPack], new[] { _studio["Leo Chen"], _studio["Leo Chen"] }),
            _ => (_studio[FamilyStudio.TenPack], new[] { _studio["Leo Chen"] }),
        };
        var result = await _studio.Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(item, _studio["Maya Chen"], shared));
        Assert.Equal(message, result.ErrorFor("SharedClientIds"));
    }

    [Fact]
    public async Task A_sale_without_item_or_client_names_both_fields()
    {
        var result = await _studio.Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(null, null, []));
        Assert.Equal("Choose a package or membership.", result.ErrorFor("CatalogItemId"));
        Assert.Equal("Choose the main client.", result.ErrorFor("OwnerClientId"));
    }

    [Fact]
    public async Task Trainer_cannot_sell()
    {
        var result = await _studio.Sales.CheckoutAsync(TestUsers.Trainer, new SaleRequest(_studio[FamilyStudio.TenPack], _studio["Maya Chen"], []));
        Assert.Equal(Outcome.Forbidden, result.Outcome);
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
