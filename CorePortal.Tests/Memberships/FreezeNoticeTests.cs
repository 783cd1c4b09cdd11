using CorePortal.Data;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

public sealed class FreezeNoticeTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    [Fact]
    public async Task A_freeze_gets_its_start_notice_once_when_it_starts_and_its_end_notice_once_after_its_last_day()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var today = _studio.Today;
        var freezeId = await _studio.FreezeRowAsync(purchaseId, today.AddDays(2), today.AddDays(9));

        Assert.Equal(0, await SendAsync(today.AddDays(1))); // not started yet
        Assert.Equal(1, await SendAsync(today.AddDays(2)));
        Assert.Equal(0, await SendAsync(today.AddDays(2)));
        Assert.Equal(0, await SendAsync(today.AddDays(9))); // the last frozen day: still running
        Assert.Equal(1, await SendAsync(today.AddDays(10)));
        Assert.Equal(0, await SendAsync(today.AddDays(11)));

        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Equal([FreezeNotices.StartText(freezeId, FamilyStudio.TenPack, today.AddDays(2)), FreezeNotices.EndText(freezeId, FamilyStudio.TenPack)],
            await db.Notifications.Where(n => n.ClientId == _studio["Maya Chen"]).OrderBy(n => n.Id).Select(n => n.Text).ToListAsync());
        Assert.Equal(2, await db.Outbox.CountAsync(m => m.ClientId == _studio["Maya Chen"] && m.Channel == OutboxChannel.Email && m.Subject == "Your 10-Class Pack freeze"));
    }

    [Fact]
    public async Task An_open_ended_freeze_gets_its_start_notice_and_an_undone_one_none()
    {
        var open = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen");
        var undone = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Leo Chen");
        var today = _studio.Today;
        await _studio.FreezeRowAsync(open, today, null);
        await _studio.FreezeRowAsync(undone, today, today.AddDays(7), FreezeStatus.Undone);

        Assert.Equal(1, await SendAsync(today));
        Assert.Equal(0, await SendAsync(today.AddDays(30)));
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.Notifications.CountAsync(n => n.ClientId == _studio["Leo Chen"]));
    }

    [Fact]
    public async Task A_freeze_that_ended_before_the_job_ran_gets_only_its_end_notice()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        var today = _studio.Today;
        var freezeId = await _studio.FreezeRowAsync(purchaseId, today, today);

        Assert.Equal(1, await SendAsync(today.AddDays(3)));
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Equal(FreezeNotices.EndText(freezeId, FamilyStudio.TenPack), await db.Notifications.Select(n => n.Text).SingleAsync());
    }

    private async Task<int> SendAsync(DateOnly day)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await FreezeNotices.SendDueAsync(db, day, _studio.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);
    }

    public async ValueTask InitializeAsync() => await FreezeStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
