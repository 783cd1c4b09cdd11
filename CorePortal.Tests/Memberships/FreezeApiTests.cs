using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>The freeze endpoints: preview writes nothing, the save writes the plan, bad input answers 400 with field errors.</summary>
[Collection(ApiApp.Collection)]
public sealed class FreezeApiTests(ApiApp app)
{
    private async Task<(int PurchaseId, DateOnly Today)> NewMembershipAsync(string name)
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var item = await studio.MembershipAsync($"{name} {Guid.NewGuid():N}"[..30], 8, PeriodUnit.Month, 3);
        await studio.FreezeRulesAsync(item);
        var client = await studio.ClientAsync("Freeze", name);
        return ((await studio.SellAsync(item, client)).Id, studio.Today);
    }

    [Fact]
    public async Task Freeze_preview_writes_nothing_the_save_writes_its_plan_and_the_end_previews_then_unfreezes()
    {
        var (purchaseId, today) = await NewMembershipAsync("Api");
        var staff = await app.AsAsync(DemoUsers.Staff);
        var body = new { startsOn = today.AddDays(1), endsOn = today.AddDays(7), mode = "Extend", note = "Away" };

        var preview = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/freezes?preview=true", body);
        var previewPlan = await preview.Content.ReadFromJsonAsync<JsonElement>();
        var freezesAfterPreview = await app.QueryAsync(db => db.Freezes.CountAsync(f => f.PurchaseId == purchaseId));
        var saved = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/freezes", body);
        var plan = await saved.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(0, freezesAfterPreview);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(previewPlan.GetProperty("periods").GetRawText(), plan.GetProperty("periods").GetRawText());
        var freezeId = plan.GetProperty("freezeId").GetInt32();
        Assert.Equal(FreezeStatus.Active, await app.QueryAsync(db => db.Freezes.Where(f => f.Id == freezeId).Select(f => f.Status).SingleAsync()));

        var endPreview = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/freezes/{freezeId}/end?preview=true", new { });
        var endsBefore = await app.QueryAsync(db => db.Freezes.Where(f => f.Id == freezeId).Select(f => f.EndsOn).SingleAsync());
        var end = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/freezes/{freezeId}/end", new { lastFrozenDay = today.AddDays(3) });

        Assert.Equal(HttpStatusCode.OK, endPreview.StatusCode);
        Assert.Equal(today.AddDays(7), endsBefore);
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(today.AddDays(3), await app.QueryAsync(db => db.Freezes.Where(f => f.Id == freezeId).Select(f => f.EndsOn).SingleAsync()));
    }

    [Fact]
    public async Task Bad_freeze_dates_answer_400_with_field_errors_and_bulk_freezes_are_for_managers()
    {
        var (purchaseId, today) = await NewMembershipAsync("Bad");
        var staff = await app.AsAsync(DemoUsers.Staff);

        var backwards = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/freezes", new { startsOn = today.AddDays(5), endsOn = today.AddDays(2) });
        var problem = await backwards.Content.ReadFromJsonAsync<JsonElement>();
        var bulkByStaff = await staff.PostAsJsonAsync("/api/freezes/bulk?preview=true",
            new { startsOn = today.AddDays(1), endsOn = today.AddDays(7), scope = "AllActive" });
        var bulkByManager = await (await app.AsAsync(DemoUsers.Manager)).PostAsJsonAsync("/api/freezes/bulk?preview=true",
            new { startsOn = today.AddDays(1), endsOn = today.AddDays(7), scope = "AllActive" });

        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("endsOn", out _));
        Assert.Equal(0, await app.QueryAsync(db => db.Freezes.CountAsync(f => f.PurchaseId == purchaseId)));
        Assert.Equal(HttpStatusCode.Forbidden, bulkByStaff.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bulkByManager.StatusCode);
        Assert.True((await bulkByManager.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purchases").GetInt32() > 0);
    }
}
