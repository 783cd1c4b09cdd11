using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

public sealed class FreezeRequestTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    private DateOnly Today => _studio.Today;

    [Fact]
    public async Task A_member_asks_to_freeze_their_own_package_and_sees_it_pending_while_staff_see_it_queued()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var maya = TestUsers.Member(_studio["Maya Chen"], "Maya Chen");

        var asked = await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today.AddDays(3), Today.AddDays(16), "  Travelling  "));

        Assert.True(asked.Succeeded, asked.Message);
        var mine = Assert.Single((await _studio.FreezeRequests.OfClientAsync(maya, _studio["Maya Chen"])).Value!);
        Assert.Equal((FreezeRequestStatus.Pending, Today.AddDays(3), (DateOnly?)Today.AddDays(16), "Travelling", FamilyStudio.TenPack),
            (mine.Status, mine.StartsOn, mine.EndsOn, mine.Note, mine.PurchaseName));
        var queued = Assert.Single((await _studio.FreezeRequests.QueueAsync(TestUsers.Staff)).Value!);
        Assert.Equal(("Maya Chen", FamilyStudio.TenPack, purchaseId, FreezeMode.Extend, "Travelling"), (queued.Client, queued.PurchaseName, queued.PurchaseId, queued.Mode, queued.Note));
        Assert.Equal(1, await _studio.FreezeRequests.PendingCountAsync(TestUsers.Manager));
    }

    [Theory]
    [InlineData("not allowed", 1, 10, "startsOn", "5-Class Pack does not allow freezes.")]
    [InlineData("yesterday", -1, 10, "startsOn", "A freeze starts today or later.")]
    [InlineData("too short", 1, 6, "endsOn", "A freeze of 10-Class Pack lasts at least 7 days; this one lasts 6.")]
    [InlineData("too long", 1, 31, "endsOn", "A freeze of 10-Class Pack lasts at most 30 days; this one lasts 31.")]
    [InlineData("open-ended with a maximum", 1, null, "endsOn", "A freeze of 10-Class Pack lasts at most 30 days; one until unfrozen has no end.")]
    [InlineData("ends before it starts", 5, 2, "endsOn", "The last frozen day must be on or after the first.")]
    [InlineData("after the package ends", 95, 105, "startsOn", "The first frozen day must be within the purchase's validity")]
    public async Task A_request_outside_the_items_freeze_rules_is_refused_by_field_and_writes_nothing(string why, int startIn, int? lastDayIn, string field, string message)
    {
        var item = why == "not allowed" ? FreezeStudio.NoFreezePack : FamilyStudio.TenPack;
        var purchaseId = await _studio.SellAsync(_studio[item], "Maya Chen");
        // Days counted from today: "too short" is days 1 to 6 (six days), "too long" days 1 to 31.
        DateOnly? endsOn = lastDayIn is { } n ? Today.AddDays(n) : null;

        var asked = await _studio.FreezeRequests.AskAsync(TestUsers.Member(_studio["Maya Chen"], "Maya Chen"), purchaseId, new(Today.AddDays(startIn), endsOn, null));

        Assert.Equal(Outcome.Invalid, asked.Outcome);
        Assert.StartsWith(message, Assert.Single(asked.Errors[field]), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(db => db.FreezeRequests));
    }

    [Fact]
    public async Task A_second_request_while_one_is_pending_is_refused_and_one_after_a_decline_is_taken()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen");
        var maya = TestUsers.Member(_studio["Maya Chen"], "Maya Chen");
        var first = await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today, null, null));
        Assert.True(first.Succeeded, first.Message);

        var second = await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today.AddDays(1), Today.AddDays(9), null));
        Assert.Equal(Outcome.Conflict, second.Outcome);
        Assert.Equal("A freeze request for 20-Class Family Pack is already waiting for the studio's answer.", second.Message);

        Assert.True((await _studio.FreezeRequests.DeclineAsync(TestUsers.Staff, first.Value!.Id, "Not during the challenge month.")).Succeeded);
        Assert.True((await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today.AddDays(1), Today.AddDays(9), null))).Succeeded);
    }

    [Fact]
    public async Task Only_the_owner_may_ask_not_a_client_it_is_shared_with_nor_staff_and_a_missing_purchase_is_not_found()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        await _studio.AnswerAsync(await _studio.PurchaseAsync(purchaseId), await ClientAsync("Leo Chen"), ShareStatus.Accepted);
        FreezeRequestInput input = new(Today.AddDays(1), Today.AddDays(10), null);

        Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.AskAsync(TestUsers.Member(_studio["Leo Chen"], "Leo Chen"), purchaseId, input)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.AskAsync(TestUsers.Member(_studio["Noah Park"], "Noah Park"), purchaseId, input)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.AskAsync(TestUsers.Staff, purchaseId, input)).Outcome);
        Assert.Equal(Outcome.NotFound, (await _studio.FreezeRequests.AskAsync(TestUsers.Member(_studio["Maya Chen"], "Maya Chen"), purchaseId + 999, input)).Outcome);
        Assert.Equal(0, await CountAsync(db => db.FreezeRequests));
    }

    [Fact]
    public async Task Declining_needs_a_reason_keeps_the_answer_and_tells_the_member_in_the_app_and_by_email()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var maya = TestUsers.Member(_studio["Maya Chen"], "Maya Chen");
        var requestId = (await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today.AddDays(2), Today.AddDays(8), null))).Value!.Id;

        var bare = await _studio.FreezeRequests.DeclineAsync(TestUsers.Staff, requestId, "   ");
        Assert.Equal(Outcome.Invalid, bare.Outcome);
        Assert.True(bare.Errors.ContainsKey(FreezeRequestService.AnswerNoteField));
        Assert.Equal(0, await CountAsync(db => db.Notifications));

        var declined = await _studio.FreezeRequests.DeclineAsync(TestUsers.Staff, requestId, "The pack ends soon after.");
        Assert.True(declined.Succeeded, declined.Message);

        var mine = Assert.Single((await _studio.FreezeRequests.OfClientAsync(maya, _studio["Maya Chen"])).Value!);
        Assert.Equal((FreezeRequestStatus.Declined, "Sam Staff", "The pack ends soon after."), (mine.Status, mine.AnsweredBy, mine.AnswerNote));
        Assert.Equal(_studio.Clock.GetUtcNow().UtcDateTime, mine.AnsweredAtUtc);
        await using var db = await _studio.Db.CreateDbContextAsync();
        var expected = $"Your freeze request for 10-Class Pack ({Day(Today.AddDays(2))} to {Day(Today.AddDays(8))}) was declined: The pack ends soon after.";
        Assert.Equal(expected, Assert.Single(await db.Notifications.Where(n => n.ClientId == _studio["Maya Chen"]).Select(n => n.Text).ToListAsync()));
        var mail = Assert.Single(await db.Outbox.Where(m => m.Channel == OutboxChannel.Email && m.Subject == "Your freeze request for 10-Class Pack").ToListAsync());
        Assert.Contains(expected, mail.Body, StringComparison.Ordinal);
        Assert.Empty((await _studio.FreezeRequests.QueueAsync(TestUsers.Staff)).Value!);

        Assert.Equal(Outcome.Conflict, (await _studio.FreezeRequests.DeclineAsync(TestUsers.Manager, requestId, "Again")).Outcome);
        Assert.Equal(Outcome.Conflict, (await _studio.FreezeRequests.ApproveAsync(TestUsers.Manager, requestId)).Outcome);
    }

    [Fact]
    public async Task Trainers_and_members_can_neither_see_nor_answer_the_queue()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var maya = TestUsers.Member(_studio["Maya Chen"], "Maya Chen");
        var requestId = (await _studio.FreezeRequests.AskAsync(maya, purchaseId, new(Today.AddDays(2), Today.AddDays(8), null))).Value!.Id;

        foreach (var user in new[] { TestUsers.Trainer, maya })
        {
            Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.QueueAsync(user)).Outcome);
            Assert.Equal(0, await _studio.FreezeRequests.PendingCountAsync(user));
            Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.DeclineAsync(user, requestId, "No")).Outcome);
            Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.ApproveAsync(user, requestId)).Outcome);
            Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.PreviewApprovalAsync(user, requestId)).Outcome);
        }
        Assert.Equal(Outcome.Forbidden, (await _studio.FreezeRequests.OfClientAsync(TestUsers.Member(_studio["Leo Chen"], "Leo Chen"), _studio["Maya Chen"])).Outcome);
        Assert.Equal(FreezeRequestStatus.Pending, (await _studio.FreezeRequests.OfClientAsync(TestUsers.Staff, _studio["Maya Chen"])).Value![0].Status);
    }

    private async Task<Client> ClientAsync(string name)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await db.Clients.AsNoTracking().SingleAsync(c => c.Id == _studio[name]);
    }

    private async Task<int> CountAsync<T>(Func<CoreDbContext, IQueryable<T>> rows)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await rows(db).CountAsync();
    }

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask InitializeAsync() => await FreezeStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
