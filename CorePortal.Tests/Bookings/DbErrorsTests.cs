using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>The database itself refuses a second live booking or a reused request key, and the service can tell which.</summary>
public sealed class DbErrorsTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, "ActiveClientId")]
    [InlineData(false, "RequestKey")]
    public async Task A_second_row_breaking_a_booking_unique_index_is_refused_and_recognised(bool sameClientLive, string column)
    {
        var client = await _world.ClientAsync("Leo", "Chen");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        var session = await _world.SessionAsync("HIIT 45");
        await using var db = _world.Db.CreateDbContext();
        await using var tx = await db.BeginWriteAsync(Ct);
        Booking Row(string key) => new()
        {
            SessionId = session.Id, ClientId = client.Id, PurchaseId = pack.Id, PeriodId = pack.Periods[0].Id,
            ActiveClientId = sameClientLive ? client.Id : null, RequestKey = sameClientLive ? key : "same-key",
        };
        db.Bookings.Add(Row("first"));
        await db.SaveChangesAsync(Ct);

        db.Bookings.Add(Row("second"));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));

        Assert.True(DbErrors.IsUnique(ex, column));
        Assert.False(DbErrors.IsUnique(ex, sameClientLive ? "RequestKey" : "ActiveClientId"));
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
