using Bunit;
using CorePortal.Components.Pages.Payments;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Catalog;

public sealed class CatalogItemDialogTests : BunitContext, IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();
    private readonly IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> _providers;

    public CatalogItemDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_studio.Db);
        Services.AddScoped<CatalogService>();
        Services.AddScoped<Features.Bookings.ScheduleService>();
        Services.AddScoped<CurrentUser>();
        var auth = AddAuthorization();
        auth.SetAuthorized("Mia Manager");
        auth.SetRoles(Roles.Manager);
        _providers = Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
        });
    }

    private async Task<IDialogReference> OpenNewPackageAsync()
    {
        var input = new CatalogItemInput { Kind = CatalogKind.Package, Name = "5-Class Duo", Price = 99m, LocationId = _studio.Location.Id, CreditsPerPeriod = 5, ValidityDays = 60 };
        var dialogs = Services.GetRequiredService<IDialogService>();
        return await _providers.InvokeAsync(() => dialogs.ShowAsync<CatalogItemDialog>("Create New Package",
            new DialogParameters<CatalogItemDialog> { { d => d.Input, input } }));
    }

    private AngleSharp.Dom.IElement SharingToggle() =>
        _providers.FindAll("label").Single(l => l.TextContent.Contains("Allow sharing of credits", StringComparison.Ordinal)).QuerySelector("input[type=checkbox]")!;

    [Fact]
    public async Task Allow_sharing_of_credits_is_off_by_default_and_the_limit_field_appears_only_when_on()
    {
        await OpenNewPackageAsync();

        Assert.False(SharingToggle().HasAttribute("checked"));
        Assert.Empty(_providers.FindAll("#sharing-limit"));
        Assert.Equal("Add Package", _providers.Find("[data-testid=save-item]").TextContent.Trim());

        SharingToggle().Change(true);
        _providers.WaitForAssertion(() => Assert.Single(_providers.FindAll("#sharing-limit")));
        Assert.True(SharingToggle().HasAttribute("checked"));

        SharingToggle().Change(false);
        _providers.WaitForAssertion(() => Assert.Empty(_providers.FindAll("#sharing-limit")));
    }

    [Theory]
    [InlineData("0", "Enter a whole number from 1 to 99.")]
    [InlineData("100", "Enter a whole number from 1 to 99.")]
    [InlineData("", "Enter a sharing limit: a whole number from 1 to 99.")]
    [InlineData("abc", "Enter a whole number from 1 to 99.")]
    public async Task A_sharing_limit_outside_1_to_99_is_refused_with_a_message_and_nothing_is_saved(string typed, string message)
    {
        await OpenNewPackageAsync();
        SharingToggle().Change(true);
        _providers.WaitForAssertion(() => _providers.Find("#sharing-limit").Change(typed));

        _providers.Find("[data-testid=save-item]").Click();

        _providers.WaitForAssertion(() => Assert.Contains(message, _providers.Find(".mud-input-helper-text.mud-input-error").TextContent, StringComparison.Ordinal));
        Assert.Single(_providers.FindAll("[data-testid=save-item]")); // the dialog stays open
        await using var db = _studio.Db.CreateDbContext();
        Assert.False(await db.CatalogItems.AnyAsync(i => i.Name == "5-Class Duo", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_valid_limit_is_saved_and_the_dialog_closes()
    {
        var dialog = await OpenNewPackageAsync();
        SharingToggle().Change(true);
        _providers.WaitForAssertion(() => _providers.Find("#sharing-limit").Change("4"));

        _providers.Find("[data-testid=save-item]").Click();

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        _providers.WaitForAssertion(() => Assert.Empty(_providers.FindAll("[data-testid=save-item]")));
        await using var db = _studio.Db.CreateDbContext();
        var saved = await db.CatalogItems.SingleAsync(i => i.Name == "5-Class Duo", Xunit.TestContext.Current.CancellationToken);
        Assert.Equal((true, 4), (saved.AllowSharing, saved.SharingLimit));
    }

    private async Task<IDialogReference> OpenMembershipAsync(Action<CatalogItemInput>? change = null)
    {
        var input = new CatalogItemInput { Kind = CatalogKind.Membership, Name = "Monthly Renewing", Price = 120m, LocationId = _studio.Location.Id, CreditsPerPeriod = 8 };
        change?.Invoke(input);
        var dialogs = Services.GetRequiredService<IDialogService>();
        return await _providers.InvokeAsync(() => dialogs.ShowAsync<CatalogItemDialog>("Create New Membership",
            new DialogParameters<CatalogItemDialog> { { d => d.Input, input } }));
    }

    [Fact]
    public async Task A_new_membership_renews_until_cancelled_so_the_number_of_time_frames_shows_only_for_a_fixed_term()
    {
        await OpenMembershipAsync();

        Assert.Contains("Renews until cancelled", _providers.Find("[data-testid=item-renewal]").OuterHtml, StringComparison.Ordinal);
        Assert.Empty(_providers.FindAll("#item-period-count"));
        Assert.Single(_providers.FindAll("[data-testid=item-rollover]"));
        Assert.Empty(_providers.FindAll("#item-rollover-cap")); // no rollover by default

        await OpenMembershipAsync(i => (i.Renewal, i.Rollover) = (RenewalKind.FixedTerm, RolloverRule.UpTo));
        _providers.WaitForAssertion(() => Assert.Single(_providers.FindAll("#item-period-count")));
        Assert.Single(_providers.FindAll("#item-rollover-cap"));
        Assert.Single(_providers.FindAll("#item-rollover-expires"));
    }

    [Fact]
    public async Task Freeze_rules_appear_when_freezing_is_allowed_and_a_bad_rule_is_shown_on_its_field_with_nothing_saved()
    {
        await OpenMembershipAsync(i => (i.FreezeMinDays, i.FreezeMaxDays) = (10, 5));
        Assert.Empty(_providers.FindAll("#freeze-min-days"));
        var freezeToggle = _providers.FindAll("label").Single(l => l.TextContent.Contains("Allow freeze", StringComparison.Ordinal)).QuerySelector("input[type=checkbox]")!;

        freezeToggle.Change(true);
        _providers.WaitForAssertion(() => Assert.Single(_providers.FindAll("#freeze-max-days")));
        _providers.Find("[data-testid=save-item]").Click();

        _providers.WaitForAssertion(() => Assert.Contains("The most days must be at least the fewest days.",
            _providers.Find(".mud-input-helper-text.mud-input-error").TextContent, StringComparison.Ordinal));
        await using var db = _studio.Db.CreateDbContext();
        Assert.False(await db.CatalogItems.AnyAsync(i => i.Name == "Monthly Renewing", Xunit.TestContext.Current.CancellationToken));
    }

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _studio.Dispose();
    }
}
