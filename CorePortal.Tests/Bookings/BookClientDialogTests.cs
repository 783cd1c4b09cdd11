using Bunit;
using CorePortal.Components.Pages.Schedule;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CorePortal.Tests.Bookings;

public sealed class BookClientDialogTests : PortalComponentTest, IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _db = new();

    public BookClientDialogTests()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_db);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new BalanceFeed(NullLogger<BalanceFeed>.Instance));
        Services.AddSingleton(new ClientSearchService(_db));
        Services.AddMetrics().AddSingleton<PortalMetrics>();
        Services.AddScoped<CorePortal.Features.Memberships.MembershipRenewal>();
        Services.AddSingleton<CorePortal.Features.Notifications.OutboxSignal>();
        Services.AddScoped<BookingService>();
        Services.AddScoped<WaitlistService>(); // the dialog also puts clients on a waitlist
        Services.AddScoped<CurrentUser>();
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
    }

    // Booking used to find phone digits anywhere in the number, with a scan of every client on each keystroke; it now
    // uses the one picker and the Clients page's rule: digits at the start or the end of the number.
    [Theory]
    [InlineData("0101", "Maya Chen")]
    [InlineData("4155", null)]
    public async Task Book_a_client_finds_phone_digits_at_the_start_or_end_of_the_number_only(string digits, string? found)
    {
        var studio = await new StudioBuilder(_db, FixedClock.At(2026, 11, 23)).WithLocationAsync();
        await studio.ClientAsync("Maya", "Chen", "+1 415-555-0101", "CP100001");
        var providers = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<BookClientDialog>("Book a client",
            new DialogParameters<BookClientDialog> { { d => d.SessionId, 1 } }));

        providers.WaitForAssertion(() => providers.Find(".mud-dialog input"), Wait);
        providers.Find(".mud-dialog input").Input(digits);

        providers.WaitForAssertion(() => Assert.Equal(found ?? $"No client matches “{digits}”.",
            found is null ? providers.Find("[data-testid=no-client-found]").TextContent : providers.Find("[data-testid=client-result] .mud-typography-body1").TextContent), Wait);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
