using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Memberships;

/// <summary>The demo studio shows the lifecycle: a membership that renews, one frozen, one cancelled, each explained by its ledger.</summary>
[Collection(ApiApp.Collection)]
public sealed class DemoLifecycleTests(ApiApp app)
{
    [Fact]
    public async Task The_demo_has_a_renewing_membership_a_frozen_one_and_a_cancelled_one_and_its_ledger_is_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync(ct);
        var today = DateOnly.FromDateTime(DateTime.Now);

        // Daniel's Monthly 8 was sold 70 days ago and renews: its periods reach past today, each after the first opened by Renewed.
        var daniel = await db.Purchases.Include(p => p.Periods).SingleAsync(p => p.OwnerClient!.Barcode == "CP100004", ct);
        Assert.Equal(RenewalKind.OpenEnded, daniel.Renewal);
        Assert.Contains(daniel.Periods, p => p.StartsOn > today);
        Assert.True(await db.Ledger.CountAsync(l => l.PurchaseId == daniel.Id && l.Kind == LedgerKind.Renewed, ct) >= 2);

        var grace = await db.Purchases.SingleAsync(p => p.OwnerClient!.Barcode == "CP100012", ct);
        var freeze = await db.Freezes.SingleAsync(f => f.PurchaseId == grace.Id && f.Status == FreezeStatus.Active, ct);
        Assert.Equal((today.AddDays(1), today.AddDays(14)), (freeze.StartsOn, freeze.EndsOn!.Value));

        var kenji = await db.Purchases.SingleAsync(p => p.OwnerClient!.Barcode == "CP100009" && p.Name == "Weekly 3", ct);
        Assert.Equal(PurchaseStatus.Cancelled, kenji.Status);
        Assert.StartsWith("Moved to another city", kenji.CancelReason);
        Assert.Contains(await db.Ledger.Where(l => l.PurchaseId == kenji.Id).Select(l => l.Kind).ToListAsync(ct), k => k == LedgerKind.Forfeited);

        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, ct));
    }
}
