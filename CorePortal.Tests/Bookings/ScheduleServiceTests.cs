using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

public sealed class ScheduleServiceTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SessionInput ValidInput() => new()
    {
        Name = "Barre 45", LocationId = _world.Location.Id, Trainer = "Jordan Lee",
        Date = _world.Today.AddDays(3).ToDateTime(TimeOnly.MinValue), StartTime = new TimeSpan(18, 30, 0), DurationMinutes = 45, Capacity = 14,
    };

    [Fact]
    public async Task Staff_create_a_session_that_then_shows_on_its_day_at_its_location()
    {
        var created = await _world.Schedule.CreateSessionAsync(TestUsers.Staff, ValidInput(), Ct);

        Assert.True(created.Succeeded, created.Message);
        var day = (await _world.Schedule.DayAsync(TestUsers.Staff, _world.Today.AddDays(3), _world.Location.Id, Ct)).Value!;
        var session = Assert.Single(day);
        Assert.Equal(("Barre 45", "Jordan Lee", 45, 14, 0), (session.Name, session.Trainer, session.DurationMinutes, session.Capacity, session.BookedCount));
        Assert.Equal(new TimeOnly(18, 30), TimeOnly.FromDateTime(session.StartsAt));
        Assert.Empty((await _world.Schedule.DayAsync(TestUsers.Staff, _world.Today.AddDays(4), _world.Location.Id, Ct)).Value!);
    }

    [Fact]
    public async Task A_session_with_bad_fields_is_refused_with_a_message_for_each_field_and_nothing_is_saved()
    {
        var input = ValidInput();
        (input.Name, input.Trainer, input.LocationId, input.Date, input.StartTime, input.DurationMinutes, input.Capacity) = (" ", "", 999, null, null, 4, 501);

        var result = await _world.Schedule.CreateSessionAsync(TestUsers.Staff, input, Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Equal("The duration is 5 to 300 minutes.", result.ErrorFor(nameof(SessionInput.DurationMinutes)));
        Assert.Equal("The capacity is 1 to 500 places.", result.ErrorFor(nameof(SessionInput.Capacity)));
        Assert.Equal(7, result.Errors.Count);
        await using var db = _world.Db.CreateDbContext();
        Assert.False(await db.Sessions.AnyAsync(Ct));
    }

    [Fact]
    public async Task A_trainer_may_not_create_sessions()
    {
        var result = await _world.Schedule.CreateSessionAsync(TestUsers.Trainer, ValidInput(), Ct);

        Assert.Equal(Outcome.Forbidden, result.Outcome);
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
