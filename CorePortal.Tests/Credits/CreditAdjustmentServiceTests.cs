using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Credits;

public sealed class CreditAdjustmentServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private readonly StudioBuilder _studio;
    private readonly CreditAdjustmentService _service;
    private readonly System.Security.Claims.ClaimsPrincipal _staff = TestUsers.Staff;
    private Purchase _pack = null!;
    private Purchase _unlimited = null!;
    private Purchase _monthly = null!;

    public CreditAdjustmentServiceTests()
    {
        _studio = new StudioBuilder(_db, _clock);
        _service = new CreditAdjustmentService(_db, new BalanceFeed(NullLogger<BalanceFeed>.Instance), new OutboxSignal(), _clock);
    }

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        var maya = await _studio.ClientAsync("Maya", "Chen");
        _pack = await _studio.SellAsync(await _studio.PackageAsync("10-Class Pack", 10), maya, Today.AddDays(-10));
        await _studio.UseAsync(_pack.Periods[0], 7);
        _unlimited = await _studio.SellAsync(await _studio.MembershipAsync("Unlimited Monthly", null), maya, Today.AddDays(-5));
        _monthly = await _studio.SellAsync(await _studio.MembershipAsync("Monthly 8", 8), maya, Today.AddDays(-40));
        await _studio.UseAsync(_monthly.Periods[1], 3);
    }

    private async Task<CreditPeriod> PeriodAsync(int id)
    {
        await using var db = _db.CreateDbContext();
        return await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    private async Task<CreditAdjustment> RequestAsync(Purchase purchase, CreditAction action, int? amount, params int[] periodIndexes)
    {
        var versions = new List<PeriodVersion>();
        foreach (var i in periodIndexes.DefaultIfEmpty(0))
            versions.Add(new PeriodVersion(purchase.Periods[i].Id, (await PeriodAsync(purchase.Periods[i].Id)).Version));
        return new CreditAdjustment(purchase.Id, versions, action, amount, Note: "Test note");
    }

    private async Task<int> LedgerRowsAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Ledger.CountAsync();
    }

    [Fact]
    public async Task Add_credits_raises_Max_and_records_who_why_and_before_after()
    {
        var result = await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.AddCredits, 2));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(12, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
        var history = (await new CreditHistoryService(_db).ForPurchaseAsync(_staff, _pack.Id)).Value!;
        var row = history[0];
        Assert.Equal(("Sam Staff", "Add Credits", 2, 10, 12, "Test note"), (row.Actor, row.Action, row.Amount, row.MaxBefore!.Value, row.MaxAfter!.Value, row.Note));
    }

    [Fact]
    public async Task Deduct_below_used_is_refused_with_how_many_can_be_deducted_and_changes_nothing()
    {
        var rowsBefore = await LedgerRowsAsync();

        var result = await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.DeductCredits, 4));

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.StartsWith("At most 3 credits can be deducted", result.ErrorFor("Amount"), StringComparison.Ordinal);
        Assert.Contains("7 of 10 are already used", result.ErrorFor("Amount"), StringComparison.Ordinal);
        Assert.Equal(10, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
        Assert.Equal(rowsBefore, await LedgerRowsAsync());
    }

    [Fact]
    public async Task Deduct_down_to_exactly_the_used_count_is_allowed()
    {
        var result = await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.DeductCredits, 3));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(0, (await PeriodAsync(_pack.Periods[0].Id)).Remaining);
    }

    [Theory]
    [InlineData(null, "Enter the number of credits.")]
    [InlineData(0, "Enter a whole number of credits from 1 to 999.")]
    [InlineData(-2, "Enter a whole number of credits from 1 to 999.")]
    [InlineData(1000, "Enter a whole number of credits from 1 to 999.")]
    public async Task Amounts_outside_1_to_999_are_refused_next_to_the_field(int? amount, string message)
    {
        var result = await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.AddCredits, amount));

        Assert.Equal(message, result.ErrorFor("Amount"));
        Assert.Equal(10, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
    }

    [Theory]
    [InlineData("", "Enter the number of credits.")]
    [InlineData("2.5", "Credits are whole numbers: enter 1, 2, 3…")]
    [InlineData("abc", "Enter a whole number of credits from 1 to 999.")]
    [InlineData("0", "Enter a whole number of credits from 1 to 999.")]
    [InlineData("1000", "Enter a whole number of credits from 1 to 999.")]
    public void Typed_amounts_that_are_not_whole_numbers_from_1_to_999_get_a_message(string typed, string message) =>
        Assert.Equal((null, message), CreditAmountText.Parse(typed));

    [Fact]
    public async Task Unlimited_periods_refuse_credit_changes_but_accept_new_validity()
    {
        var period = _unlimited.Periods[0];
        var refused = await _service.SaveAsync(_staff, await RequestAsync(_unlimited, CreditAction.AddCredits, 3));
        Assert.Contains("cannot be added or deducted", refused.ErrorFor("Amount"), StringComparison.Ordinal);

        var version = (await PeriodAsync(period.Id)).Version;
        var newEnd = period.EndsOn.AddDays(-3);
        var moved = await _service.SaveAsync(_staff, new CreditAdjustment(_unlimited.Id, [new(period.Id, version)], CreditAction.AddCredits, null,
            EditValidity: true, StartsOn: period.StartsOn, EndsOn: newEnd, Note: "Holiday freeze"));

        Assert.True(moved.Succeeded, moved.Message);
        var saved = await PeriodAsync(period.Id);
        Assert.Equal((null, newEnd), (saved.MaxCredits, saved.EndsOn));
    }

    [Fact]
    public async Task Moving_the_last_periods_end_moves_the_purchases_end_with_it()
    {
        var last = _monthly.Periods[^1];
        var newEnd = last.EndsOn.AddDays(10);
        var moved = await _service.SaveAsync(_staff, new CreditAdjustment(_monthly.Id, [new(last.Id, (await PeriodAsync(last.Id)).Version)],
            CreditAction.AddCredits, null, EditValidity: true, StartsOn: last.StartsOn, EndsOn: newEnd));

        Assert.True(moved.Succeeded, moved.Message);
        await using var db = _db.CreateDbContext();
        Assert.Equal(newEnd, (await db.Purchases.SingleAsync(p => p.Id == _monthly.Id)).EndsOn);
    }

    [Fact]
    public async Task End_date_before_start_date_is_refused()
    {
        var period = _pack.Periods[0];
        var request = (await RequestAsync(_pack, CreditAction.AddCredits, null)) with { EditValidity = true, StartsOn = period.StartsOn, EndsOn = period.StartsOn.AddDays(-1) };

        var result = await _service.SaveAsync(_staff, request);

        Assert.Equal("End Date must be on or after Start Date.", result.ErrorFor("EndsOn"));
        Assert.Equal(period.EndsOn, (await PeriodAsync(period.Id)).EndsOn);
    }

    [Fact]
    public async Task New_dates_may_not_overlap_another_period_of_the_purchase()
    {
        var second = _monthly.Periods[1];
        var request = (await RequestAsync(_monthly, CreditAction.AddCredits, null, 1)) with
        {
            EditValidity = true, StartsOn = _monthly.Periods[0].EndsOn, EndsOn = second.EndsOn,
        };

        var result = await _service.SaveAsync(_staff, request);

        Assert.Equal("These dates overlap another period of this purchase.", result.ErrorFor("StartsOn"));
    }

    [Fact]
    public async Task One_adjustment_on_several_periods_is_all_or_nothing()
    {
        // Period 1 has 3 used of 8: deducting 6 is fine on periods 0 and 2 but not on 1, so nothing changes.
        var refused = await _service.SaveAsync(_staff, await RequestAsync(_monthly, CreditAction.DeductCredits, 6, 0, 1, 2));
        Assert.Equal(Outcome.Invalid, refused.Outcome);
        Assert.All(_monthly.Periods, p => Assert.Equal(8, PeriodAsync(p.Id).Result.MaxCredits));

        var added = await _service.SaveAsync(_staff, await RequestAsync(_monthly, CreditAction.AddCredits, 2, 0, 1, 2));
        Assert.True(added.Succeeded, added.Message);
        Assert.Equal([10, 10, 10], _monthly.Periods.Select(p => PeriodAsync(p.Id).Result.MaxCredits!.Value));
        Assert.Equal("Added 2 credits on 3 periods", added.Message);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("deduct")]
    [InlineData("validity only")]
    [InlineData("credits and validity")]
    [InlineData("several periods")]
    public async Task The_preview_is_exactly_what_the_save_writes(string change)
    {
        var next = _monthly.Periods[2];
        var request = change switch
        {
            "add" => await RequestAsync(_pack, CreditAction.AddCredits, 3),
            "deduct" => await RequestAsync(_pack, CreditAction.DeductCredits, 2),
            "validity only" => (await RequestAsync(_monthly, CreditAction.AddCredits, null, 2)) with
                { EditValidity = true, StartsOn = next.StartsOn.AddDays(1), EndsOn = next.EndsOn.AddDays(5) },
            "credits and validity" => (await RequestAsync(_monthly, CreditAction.DeductCredits, 2, 2)) with
                { EditValidity = true, StartsOn = next.StartsOn, EndsOn = next.EndsOn.AddDays(-3) },
            _ => await RequestAsync(_monthly, CreditAction.DeductCredits, 4, 0, 1, 2),
        };
        var shown = new List<PeriodFigures>();
        foreach (var v in request.Periods)
        {
            var p = await PeriodAsync(v.PeriodId);
            shown.Add(new PeriodFigures(p.Id, p.StartsOn, p.EndsOn, p.UsedCredits, p.MaxCredits));
        }
        var inDialog = CreditAdjustmentService.Preview(request, shown, DateWindow.For(_clock));
        var previewed = await _service.PreviewAsync(request);

        var saved = await _service.SaveAsync(_staff, request);

        Assert.True(saved.Succeeded, saved.Message);
        Assert.Equal(previewed.Value!, inDialog.Value!);
        Assert.Equal(previewed.Value!, saved.Value!);
        var written = new List<(int, DateOnly, DateOnly, int, int?)>();
        foreach (var p in previewed.Value!)
        {
            var row = await PeriodAsync(p.PeriodId);
            written.Add((row.Id, row.StartsOn, row.EndsOn, row.UsedCredits, row.MaxCredits));
        }
        Assert.Equal(previewed.Value!.Select(p => (p.PeriodId, p.StartsOn, p.EndsOn, p.Used, p.MaxAfter)), written);
        await using var db = _db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    [Fact]
    public async Task A_refused_preview_gives_the_same_reason_the_save_gives()
    {
        var request = await RequestAsync(_monthly, CreditAction.DeductCredits, 6, 0, 1, 2);

        var previewed = await _service.PreviewAsync(request);
        var saved = await _service.SaveAsync(_staff, request);

        Assert.Equal(Outcome.Invalid, previewed.Outcome);
        Assert.StartsWith("At most 5 credits can be deducted", previewed.ErrorFor("Amount"), StringComparison.Ordinal);
        Assert.Equal(previewed.ErrorFor("Amount"), saved.ErrorFor("Amount"));
    }

    [Fact]
    public async Task Two_concurrent_saves_on_one_period_never_lose_an_update()
    {
        var request = await RequestAsync(_pack, CreditAction.AddCredits, 5);

        var results = await Task.WhenAll(
            Task.Run(() => _service.SaveAsync(_staff, request)),
            Task.Run(() => _service.SaveAsync(_staff, request with { Amount = 1 })));

        var winner = Assert.Single(results, r => r.Succeeded);
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal(Outcome.Conflict, loser.Outcome);
        Assert.Contains("changed by someone else", loser.Message, StringComparison.Ordinal);
        Assert.Equal(winner.Value![0].MaxAfter, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
        await using var db = _db.CreateDbContext();
        Assert.Single(await db.Ledger.Where(l => l.Kind == LedgerKind.Add).ToListAsync());
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    [Fact]
    public async Task Changes_stay_silent_unless_Notify_client_is_on_which_queues_an_email_saying_what_changed()
    {
        await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.AddCredits, 1));
        await using (var db = _db.CreateDbContext()) Assert.Empty(await db.Outbox.ToListAsync());

        await _service.SaveAsync(_staff, (await RequestAsync(_pack, CreditAction.AddCredits, 2)) with { NotifyClient = true });

        await using var check = _db.CreateDbContext();
        var mail = Assert.Single(await check.Outbox.ToListAsync());
        Assert.Equal(("maya.chen@example.com", "Your 10-Class Pack credits were updated"), (mail.Recipient, mail.Subject));
        Assert.Contains("added 2 credits on your 10-Class Pack", mail.Body, StringComparison.Ordinal);
        Assert.Contains("7 used of 13", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Note from the studio: Test note", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trainer_is_refused_and_nothing_changes()
    {
        var result = await _service.SaveAsync(TestUsers.Trainer, await RequestAsync(_pack, CreditAction.AddCredits, 2));

        Assert.Equal(Outcome.Forbidden, result.Outcome);
        Assert.Equal(10, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
    }

    [Fact]
    public async Task After_any_adjustments_every_period_agrees_with_its_ledger()
    {
        await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.AddCredits, 4));
        await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.DeductCredits, 2));
        await _service.SaveAsync(_staff, await RequestAsync(_monthly, CreditAction.DeductCredits, 5, 1));
        await _service.SaveAsync(_staff, await RequestAsync(_monthly, CreditAction.AddCredits, 1, 0, 2));

        await using var db = _db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
        Assert.Equal(12, (await PeriodAsync(_pack.Periods[0].Id)).MaxCredits);
        Assert.Equal(3, (await PeriodAsync(_monthly.Periods[1].Id)).MaxCredits);
    }

    [Fact]
    public async Task Credit_history_exports_the_rows_it_shows_as_csv()
    {
        await _service.SaveAsync(_staff, await RequestAsync(_pack, CreditAction.AddCredits, 2));

        var csv = (await new CreditHistoryService(_db).ExportCsvAsync(_staff, _pack.Id, new CreditHistoryFilter(Kind: LedgerKind.Add))).Value!;

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("When (UTC),Who,Action,Amount,Max before,Max after", lines[0], StringComparison.Ordinal);
        Assert.Contains("Sam Staff,Add Credits,2,10,12,7", lines[1], StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _db.Dispose();
}
