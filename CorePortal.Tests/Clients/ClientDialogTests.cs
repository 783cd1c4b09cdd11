using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CorePortal.Tests.Clients;

public sealed class ClientDialogTests : PortalComponentTest, IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private StudioBuilder _studio = null!;

    public ClientDialogTests()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_db);
        Services.AddScoped<ClientEditService>();
        Services.AddScoped<ScheduleService>();
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
    }

    public async ValueTask InitializeAsync() => _studio = await new StudioBuilder(_db, FixedClock.At(2026, 11, 23)).WithLocationAsync();

    private async Task<(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> Markup, IDialogReference Dialog)> OpenAsync(ClientInput input)
    {
        var providers = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var dialog = await providers.InvokeAsync(() => dialogs.ShowAsync<ClientDialog>("New client",
            new DialogParameters<ClientDialog> { { d => d.Input, input } }));
        providers.WaitForAssertion(() => providers.Find("[data-testid=save-client]"));
        return (providers, dialog);
    }

    private async Task<int> ClientCountAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Clients.CountAsync();
    }

    [Fact]
    public async Task Missing_names_and_a_bad_email_get_messages_next_to_the_fields_and_add_nothing()
    {
        var (markup, _) = await OpenAsync(new ClientInput());

        markup.Find("#client-email").Change("maya.example.com");
        markup.Find("[data-testid=save-client]").Click();

        markup.WaitForAssertion(() => Assert.Contains("Check the highlighted fields", markup.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Enter the first name", markup.Markup, StringComparison.Ordinal);
        Assert.Contains("Enter the last name", markup.Markup, StringComparison.Ordinal);
        Assert.Contains("Enter an email address such as name@example.com.", markup.Markup, StringComparison.Ordinal);
        Assert.Equal(0, await ClientCountAsync());
    }

    [Fact]
    public async Task A_barcode_another_client_has_is_refused_at_the_barcode_field()
    {
        await _studio.ClientAsync("Maya", "Chen", barcode: "CP100001");
        var (markup, _) = await OpenAsync(new ClientInput { FirstName = "Leo", LastName = "Chen", Email = "leo@example.com" });

        markup.Find("#client-barcode").Change("cp100001");
        markup.Find("[data-testid=save-client]").Click();

        markup.WaitForAssertion(() => Assert.Contains("Another client already has the barcode CP100001.", markup.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await ClientCountAsync());
    }

    [Fact]
    public async Task A_valid_client_is_added_at_the_only_location_with_a_generated_barcode()
    {
        var (markup, dialog) = await OpenAsync(new ClientInput { FirstName = " Ana ", LastName = "Silva", Email = "ana@example.com", Phone = "+1 (555) 010-2030" });

        markup.Find("[data-testid=save-client]").Click();

        var result = await dialog.Result;
        var id = Assert.IsType<int>(result!.Data);
        await using var db = _db.CreateDbContext();
        var client = await db.Clients.SingleAsync(c => c.Id == id);
        Assert.Equal(("Ana", "ana", "15550102030", _studio.Location.Id), (client.FirstName, client.FirstNameKey, client.PhoneDigits, client.HomeLocationId));
        Assert.Equal($"CP{id + 500000}", client.Barcode);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
