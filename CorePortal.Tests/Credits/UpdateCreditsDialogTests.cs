using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CorePortal.Tests.Credits;

public sealed class UpdateCreditsDialogTests : PortalComponentTest, IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private Purchase _pack = null!;

    public UpdateCreditsDialogTests()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_db);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(new BalanceFeed(NullLogger<BalanceFeed>.Instance));
        Services.AddSingleton<CorePortal.Features.Notifications.OutboxSignal>();
        Services.AddScoped<CreditAdjustmentService>();
        Services.AddScoped<CreditReadService>();
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
    }

    public async ValueTask InitializeAsync()
    {
        using var builder = new StudioBuilder(_db, _clock);
        var studio = await builder.WithLocationAsync();
        _pack = await studio.SellAsync(await studio.PackageAsync("10-Class Pack", 10), await studio.ClientAsync("Maya", "Chen"), new DateOnly(2026, 11, 1));
    }

    private async Task<IRenderedComponent<Microsoft.AspNetCore.Components.IComponent>> OpenAsync(IReadOnlyList<PeriodRow>? periods = null)
    {
        var providers = RenderProviders();
        periods ??= [(await Services.GetRequiredService<CreditReadService>().PurchaseAsync(TestUsers.Staff, _pack.Id)).Value!.Periods[0]];
        var dialogs = Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<UpdateCreditsDialog>("Update Credits",
            new DialogParameters<UpdateCreditsDialog> { { d => d.PurchaseId, _pack.Id }, { d => d.Periods, periods } }));
        providers.WaitForAssertion(() => providers.Find("[data-testid=save]"));
        return providers;
    }

    private async Task<int?> MaxAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.CreditPeriods.Where(p => p.PurchaseId == _pack.Id).Select(p => p.MaxCredits).SingleAsync();
    }

    [Theory]
    [InlineData("", "Enter the number of credits.")]
    [InlineData("abc", "Enter a whole number of credits from 1 to 999.")]
    [InlineData("1.5", "Credits are whole numbers")]
    [InlineData("0", "Enter a whole number of credits from 1 to 999.")]
    [InlineData("-3", "Enter a whole number of credits from 1 to 999.")]
    [InlineData("1000", "Enter a whole number of credits from 1 to 999.")]
    public async Task Bad_amounts_get_a_message_next_to_the_field_and_save_nothing(string typed, string message)
    {
        var markup = await OpenAsync();

        markup.Find("input[data-testid=amount], [data-testid=amount] input").Input(typed);
        markup.Find("[data-testid=save]").Click();

        markup.WaitForAssertion(() => Assert.Contains(message, markup.Markup, StringComparison.Ordinal));
        Assert.Equal(10, await MaxAsync());
    }

    [Fact]
    public async Task The_dialog_uses_the_article_words_and_reveals_dates_with_Edit_Credit_Validity()
    {
        var markup = await OpenAsync();

        Assert.Contains("Action", markup.Markup, StringComparison.Ordinal);
        Assert.Contains("Add Credits", markup.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Start Date", markup.Markup, StringComparison.Ordinal);

        markup.Find("[data-testid=edit-validity] input, input[data-testid=edit-validity]").Change(true);

        markup.WaitForAssertion(() => Assert.Contains("Start Date", markup.Markup, StringComparison.Ordinal));
        Assert.Contains("End Date", markup.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_amount_shows_the_preview_and_saves()
    {
        var markup = await OpenAsync();

        markup.Find("input[data-testid=amount], [data-testid=amount] input").Input("3");
        markup.WaitForAssertion(() => Assert.Contains("Max 10 → 13", markup.Find("[data-testid=preview]").TextContent, StringComparison.Ordinal));
        markup.Find("[data-testid=save]").Click();

        markup.WaitForAssertion(() => Assert.Empty(markup.FindAll("[data-testid=save]")));
        Assert.Equal(13, await MaxAsync());
    }

    [Fact]
    public async Task The_preview_shows_the_services_refusal_before_saving()
    {
        var markup = await OpenAsync();

        var action = markup.FindComponent<MudSelect<CreditAction>>();
        await action.InvokeAsync(() => action.Instance.SelectOption(CreditAction.DeductCredits));
        markup.Find("input[data-testid=amount], [data-testid=amount] input").Input("11");

        markup.WaitForAssertion(() => Assert.Contains("At most 10 credits can be deducted from 1 Nov 2026",
            markup.Find("[data-testid=preview]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("→", markup.Find("[data-testid=preview]").TextContent, StringComparison.Ordinal);
        Assert.Equal(10, await MaxAsync());
    }

    [Fact]
    public async Task After_a_conflict_the_dialog_shows_the_new_figures_and_leaves_the_periods_it_was_given_as_they_were()
    {
        var given = (await Services.GetRequiredService<CreditReadService>().PurchaseAsync(TestUsers.Staff, _pack.Id)).Value!.Periods;
        var markup = await OpenAsync(given);
        var meanwhile = await Services.GetRequiredService<CreditAdjustmentService>().SaveAsync(TestUsers.Staff,
            new CreditAdjustment(_pack.Id, [new(given[0].Id, given[0].Version)], CreditAction.AddCredits, 5));
        Assert.True(meanwhile.Succeeded, meanwhile.Message);

        markup.Find("input[data-testid=amount], [data-testid=amount] input").Input("3");
        markup.Find("[data-testid=save]").Click();

        markup.WaitForAssertion(() => Assert.Contains("changed by someone else", markup.Find("[data-testid=conflict]").TextContent, StringComparison.Ordinal));
        markup.WaitForAssertion(() => Assert.Contains("Max 15 → 18", markup.Find("[data-testid=preview]").TextContent, StringComparison.Ordinal));
        Assert.Same(given, markup.FindComponent<UpdateCreditsDialog>().Instance.Periods);
        Assert.Equal(10, given[0].Max);

        markup.Find("[data-testid=save]").Click();
        markup.WaitForAssertion(() => Assert.Empty(markup.FindAll("[data-testid=save]")));
        Assert.Equal(18, await MaxAsync());
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
