using System.Text;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Catalog;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Foundation;

/// <summary>Input that cannot hurt: dates inside the studio's window, enums that exist, names without hidden characters.</summary>
public sealed class InputBoundsTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new(); // today: 2 March 2026, so the window is 2 March 2021 to 2 March 2036
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_window_runs_from_five_years_back_to_ten_years_ahead_of_the_studios_today()
    {
        var window = DateWindow.For(FixedClock.At(2026, 3, 2));

        Assert.Equal((new DateOnly(2021, 3, 2), new DateOnly(2036, 3, 2)), (window.First, window.Last));
        Assert.Null(window.Refusal(new DateOnly(2036, 3, 2)));
        Assert.Equal("The date must be from 2 Mar 2021 to 2 Mar 2036.", window.Refusal(DateOnly.MaxValue));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2021, 3, 1)]
    [InlineData(2036, 3, 3)]
    [InlineData(9999, 12, 31)]
    public async Task A_session_outside_the_window_is_refused_with_a_message_and_not_saved(int year, int month, int day)
    {
        var result = await _world.Schedule.CreateSessionAsync(TestUsers.Staff, Session(new DateTime(year, month, day)), Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Contains("from 2 Mar 2021 to 2 Mar 2036", result.ErrorFor(nameof(SessionInput.Date)), StringComparison.Ordinal);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.Sessions.AnyAsync(Ct));
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    public async Task A_day_query_outside_the_window_is_a_field_error_not_an_exception(string day)
    {
        var result = await _world.Schedule.DayAsync(TestUsers.Staff, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), _world.Location.Id, Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.NotNull(result.ErrorFor("day"));
    }

    [Fact]
    public async Task Report_ranges_and_days_outside_the_window_are_field_errors()
    {
        var today = _world.Today;

        var usage = await _world.ReportCsv.UsageAsync(TestUsers.Manager, new ReportRange(today, DateOnly.MaxValue), Ct);
        var adjustments = await _world.ReportCsv.AdjustmentsAsync(TestUsers.Manager, new ReportRange(DateOnly.MinValue, today), Ct);
        var liability = await _world.ReportCsv.LiabilityAsync(TestUsers.Manager, DateOnly.MaxValue, Ct);
        var unlimited = await _world.ReportCsv.UnlimitedAsync(TestUsers.Manager, DateOnly.MaxValue, Ct);

        Assert.NotNull(usage.ErrorFor("to"));
        Assert.NotNull(adjustments.ErrorFor("from"));
        Assert.NotNull(liability.ErrorFor("day"));
        Assert.NotNull(unlimited.ErrorFor("day"));
    }

    [Fact]
    public async Task A_validity_ending_9999_12_31_is_refused_and_the_period_keeps_its_dates()
    {
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var period = pack.Periods[0];

        var result = await _world.Adjustments.SaveAsync(TestUsers.Staff, new CreditAdjustment(pack.Id, [new PeriodVersion(period.Id, period.Version)],
            CreditAction.AddCredits, null, EditValidity: true, StartsOn: period.StartsOn, EndsOn: DateOnly.MaxValue), Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Contains("End Date must be from", result.ErrorFor("EndsOn"), StringComparison.Ordinal);
        Assert.Equal(period.EndsOn, (await _world.PurchaseAsync(pack.Id)).Periods[0].EndsOn);
    }

    [Theory]
    [InlineData("Kind")]
    [InlineData("PeriodUnit")]
    public async Task A_catalog_item_with_an_enum_out_of_range_is_refused_and_never_offered_for_sale(string field)
    {
        var input = new CatalogItemInput
        {
            Kind = field == "Kind" ? (CatalogKind)99 : CatalogKind.Membership, PeriodUnit = field == "PeriodUnit" ? (PeriodUnit)99 : PeriodUnit.Month,
            Name = "Odd thing", Price = 10, LocationId = _world.Location.Id, CreditsPerPeriod = 5, PeriodCount = 3, ValidityDays = 30,
        };

        var result = await _world.Catalog.SaveAsync(TestUsers.Manager, input, Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.NotNull(result.ErrorFor(field));
        Assert.Empty((await _world.Sales.ItemsAsync(TestUsers.Staff, Ct)).Value!);
    }

    [Fact]
    public async Task Listing_a_catalog_kind_that_does_not_exist_is_a_field_error()
    {
        Assert.Equal(Outcome.Invalid, (await _world.Catalog.ListAsync(TestUsers.Manager, (CatalogKind)99, Ct)).Outcome);
    }

    [Theory]
    [InlineData("Zoe\u0308", "Zoë")]                 // e + combining diaeresis
    [InlineData("Jose\u0301", "José")]               // e + combining acute
    [InlineData("  Łukasz ", "Łukasz")]
    [InlineData("محمد", "محمد")]
    [InlineData("渡辺", "渡辺")]
    public async Task International_names_are_kept_trimmed_and_stored_in_NFC(string typed, string stored)
    {
        var saved = await _world.ClientEdit.CreateAsync(TestUsers.Staff, Client(typed), ct: Ct);

        Assert.True(saved.Succeeded, saved.Message);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        var client = await db.Clients.SingleAsync(c => c.Id == saved.Value!.Id, Ct);
        Assert.Equal(stored, client.FirstName);
        Assert.True(client.FirstName.IsNormalized(NormalizationForm.FormC));
    }

    public static TheoryData<string> HiddenCharacters => new()
    {
        "Maya\u202Ehc",    // right-to-left override
        "Ma\u200Bya",      // zero-width space
        "Ma\u200Dya",      // zero-width joiner
        "\uFEFFMaya",      // byte-order mark
        "Maya\u0007",      // bell (control)
        "Maya\nChen",      // line break in a name
        "Maya\u2028Chen",  // line separator
    };

    [Fact]
    public void Half_a_surrogate_pair_is_refused_rather_than_thrown_on()
    {
        Assert.Null(CleanText.Name("Ma\uD800ya", out var error));
        Assert.Equal(CleanText.NameMessage, error);
        Assert.Equal("😀 Maya", CleanText.Name("😀 Maya", out _)); // a whole pair is a character like any other
    }

    [Theory]
    [MemberData(nameof(HiddenCharacters))]
    public async Task Names_with_control_or_format_characters_are_refused_everywhere_a_name_is_stored(string name)
    {
        var client = await _world.ClientEdit.CreateAsync(TestUsers.Staff, Client(name), ct: Ct);
        var item = await _world.Catalog.SaveAsync(TestUsers.Manager, new CatalogItemInput
        {
            Kind = CatalogKind.Package, Name = name, Price = 10, LocationId = _world.Location.Id, CreditsPerPeriod = 5, ValidityDays = 30,
        }, Ct);
        var sessionInput = Session(_world.Today.AddDays(1).ToDateTime(TimeOnly.MinValue));
        sessionInput.Name = name;
        var session = await _world.Schedule.CreateSessionAsync(TestUsers.Staff, sessionInput, Ct);
        var trainerInput = Session(_world.Today.AddDays(1).ToDateTime(TimeOnly.MinValue));
        trainerInput.Trainer = name;
        var trainer = await _world.Schedule.CreateSessionAsync(TestUsers.Staff, trainerInput, Ct);

        Assert.Equal(CleanText.NameMessage, client.ErrorFor(nameof(ClientInput.FirstName)));
        Assert.Equal(CleanText.NameMessage, item.ErrorFor(nameof(CatalogItemInput.Name)));
        Assert.Equal(CleanText.NameMessage, session.ErrorFor(nameof(SessionInput.Name)));
        Assert.Equal(CleanText.NameMessage, trainer.ErrorFor(nameof(SessionInput.Trainer)));
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.Clients.AnyAsync(Ct));
        Assert.False(await db.CatalogItems.AnyAsync(Ct));
        Assert.False(await db.Sessions.AnyAsync(Ct));
    }

    [Fact]
    public async Task An_adjustment_note_may_have_line_breaks_but_no_hidden_characters()
    {
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var period = pack.Periods[0];
        CreditAdjustment Adjust(string note) => new(pack.Id, [new PeriodVersion(period.Id, period.Version)], CreditAction.AddCredits, 1, Note: note);

        var hidden = await _world.Adjustments.SaveAsync(TestUsers.Staff, Adjust("goodwill\u200B"), Ct);
        var lines = await _world.Adjustments.SaveAsync(TestUsers.Staff, Adjust("goodwill\nafter the heating failed"), Ct);

        Assert.Equal(CleanText.NoteMessage, hidden.ErrorFor("Note"));
        Assert.True(lines.Succeeded, lines.Message);
    }

    private SessionInput Session(DateTime date) => new()
    {
        Name = "Flow", LocationId = _world.Location.Id, Trainer = "Jordan Lee", Date = date, StartTime = new TimeSpan(18, 0, 0), DurationMinutes = 45, Capacity = 10,
    };

    private ClientInput Client(string firstName) => new()
    {
        FirstName = firstName, LastName = "Tester", Email = "tester@example.com", Phone = "", HomeLocationId = _world.Location.Id,
    };

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
