using System.Collections.Concurrent;
using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CorePortal.Data;

/// <summary>
/// The one door every write goes through: a singleton that begins each write transaction of the app
/// (<c>await using var tx = await db.BeginWriteAsync(ct)</c>), and the one place that knows how the engine serializes writers.
/// On SQLite, writers in this process queue for the database in arrival order before they take the write lock with
/// BEGIN IMMEDIATE; without the queue they all wait in SQLite's busy handler, which sleeps in steps of up to 100 ms, so an
/// unlucky writer waits long while others commit. The busy timeout still covers writers in other processes (a second server).
/// On PostgreSQL, where several servers write at once, the door opens a plain READ COMMITTED transaction: no queue, and each
/// decision that reads before it writes takes a named lock that holds across servers (<see cref="WriteTransaction.LockAsync"/>).
/// </summary>
/// <remarks>
/// These places rely on writers being serialized (one writer at a time, which reads what it decides on inside its write
/// transaction). On SQLite the queue and BEGIN IMMEDIATE give that; on PostgreSQL each of them takes a named lock (or is a
/// guarded statement or a constraint), and a concurrency test on PostgreSQL proves it:
/// <list type="bullet">
/// <item>The sharing limit: <c>SharingService.AddShareAsync</c> counts a purchase's pending and accepted shares
/// (<c>ShareInvitations.Refusal</c>), then inserts one; two invitations at once could both take the last free place. Holds by
/// <see cref="LockNames.Purchase"/>, as do the sharing terms' new limit (<c>SharingTermsService</c>).</item>
/// <item>The members' daily invitation limit: <c>MemberInvitationService.InviteByContactAsync</c> counts the member's requests of the
/// last day, then adds one; it locks <see cref="LockNames.MemberInvitations"/> (before the purchase) so two requests at once cannot
/// both take the last one.</item>
/// <item>Invitation answers: <c>SharingService</c> accept, decline and remove read the share's status and change it; an
/// answer racing a removal could revive a removed share. Each locks the share's purchase, then reads the share again.</item>
/// <item>Request-key replays: <c>SaleService.CheckoutAsync</c>, <c>ClientEditService.CreateAsync</c> and <c>BookingService</c>
/// find the key and replay the first answer; each locks <see cref="LockNames.RequestKey"/> before looking, so the second of
/// two requests with one key waits for the first to commit and replays it (the unique indexes stay as the last word).</item>
/// <item>Validity edits: <c>CreditAdjustmentService.SaveAsync</c> changes a period's dates and recomputes the purchase's StartsOn
/// and EndsOn from all its periods; two edits of different periods of one purchase would each recompute from a stale set (the
/// version token guards only the periods edited). Holds by <see cref="LockNames.Purchase"/>.</item>
/// <item>Bookings: the debit <c>UPDATE … WHERE used &lt; max</c> and the place <c>UPDATE … WHERE BookedCount &lt; Capacity</c> are
/// guarded statements, as are the cancellation's three updates: safe on any engine, listed so no one counts on the door there.
/// An authorized client's caps are counted by the debit from their committed bookings, so each booking by one client from one
/// shared purchase first locks <see cref="LockNames.ShareUse"/>.</item>
/// <item>Member logins: <c>MemberAccountService.InviteAsync</c> checks that no other login uses the email, then inserts one;
/// it locks the client's login and the email (<see cref="LockNames.MemberLogin"/>, <see cref="LockNames.LoginEmail"/>).</item>
/// <item>Outbox claims: <c>OutboxDelivery</c> claims a message with a conditional UPDATE that one server alone wins (safe on any
/// engine); the invitation and activation tokens are set by conditional updates too.</item>
/// <item>Seeding an empty database: <c>DemoSeeder.SeedIfEmptyAsync</c> sees no locations, then fills the database in several
/// write transactions; only start-up runs it, once per process, after the migrations (<see cref="MigrateAsync"/>, which hold
/// the door too). Both run under <see cref="RunAloneAsync"/>, so two servers starting on one empty database seed once.</item>
/// <item>Liability snapshots keep the figures counted furthest along the ledger with one upsert (safe on any engine).</item>
/// <item>Ledger day totals: the trigger's upsert of today's row would queue every writer on one row lock on PostgreSQL; there
/// each day and kind is spread over slots (<see cref="LedgerDayTotalsSql.Postgres"/>).</item>
/// </list>
/// </remarks>
public sealed class WriteGate
{
    // One queue per database (connection string): tests and the benchmark run several databases in one process.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _queues = new();

    /// <summary>Waits for the writers ahead in this process, then begins the operation's one write transaction.</summary>
    public async Task<WriteTransaction> BeginAsync(CoreDbContext db, CancellationToken ct = default)
    {
        if (db.Engine == DatabaseEngine.Postgres)
        {
            if (db.HoldsWriteDoor) throw new InvalidOperationException("This context already holds the write door: one write transaction per operation.");
            return new WriteTransaction(db, await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct), queue: null);
        }
        var queue = QueueOf(db);
        await queue.WaitAsync(ct);
        try
        {
            // Microsoft.Data.Sqlite begins a Serializable transaction (the default) with BEGIN IMMEDIATE: the write lock now.
            return new WriteTransaction(db, await db.Database.BeginTransactionAsync(ct), queue);
        }
        catch
        {
            queue.Release();
            throw;
        }
    }

    /// <summary>
    /// Applies the migrations with the door held. EF Core runs each migration in its own transaction (and refuses to
    /// migrate inside one of ours), so here the door holds only the queue.
    /// </summary>
    public async Task MigrateAsync(CoreDbContext db, CancellationToken ct = default)
    {
        var queue = QueueOf(db);
        await queue.WaitAsync(ct);
        db.HoldsWriteDoor = true;
        try
        {
            await RunAloneAsync(db, "migrate", () => db.Database.MigrateAsync(ct), ct);
        }
        finally
        {
            db.HoldsWriteDoor = false;
            queue.Release();
        }
    }

    /// <summary>
    /// Runs start-up work (migrations, the demo seed) on one server at a time: on PostgreSQL under a session advisory lock on
    /// this context's connection, which other servers starting at once wait for; SQLite serves one server.
    /// </summary>
    public static async Task RunAloneAsync(CoreDbContext db, string name, Func<Task> work, CancellationToken ct = default)
    {
        if (db.Engine != DatabaseEngine.Postgres)
        {
            await work();
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // The wait lasts as long as the other server's migration and seed (minutes for a big seed), not the command
            // timeout (30 s by default), after which this server would fail to start; shutting down (ct) still ends it.
            var timeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(TimeSpan.Zero); // no limit (Npgsql)
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock(hashtextextended({"coreportal:" + name}, 0))", ct);
            }
            finally
            {
                db.Database.SetCommandTimeout(timeout);
            }
            try
            {
                await work();
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock(hashtextextended({"coreportal:" + name}, 0))", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private SemaphoreSlim QueueOf(CoreDbContext db)
    {
        if (db.HoldsWriteDoor) throw new InvalidOperationException("This context already holds the write door: one write transaction per operation.");
        return _queues.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
    }
}

/// <summary>
/// A write transaction holding this process's place in the write queue. The next writer goes on at commit
/// (not when this object is disposed, which may be after the caller's publishing); disposing without a commit rolls back.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly CoreDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly SemaphoreSlim? _queue;
    private int _released;

    internal WriteTransaction(CoreDbContext db, IDbContextTransaction transaction, SemaphoreSlim? queue)
    {
        _db = db;
        _transaction = transaction;
        _queue = queue;
        db.HoldsWriteDoor = true;
    }

    /// <summary>
    /// Holds a named lock until this transaction ends, for a decision that reads before it writes (the sharing limit of a
    /// purchase, a request key, a single-use link): a writer on any server that locks the same name waits for this one to
    /// commit, then reads what it wrote. On PostgreSQL a transaction-level advisory lock; on SQLite writers are one at a time already.
    /// </summary>
    public async Task LockAsync(string name, CancellationToken ct = default)
    {
        if (_db.Engine != DatabaseEngine.Postgres) return;
        await _db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({name}, 0))", ct);
    }

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await _transaction.CommitAsync(ct);
        LeaveQueue();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            LeaveQueue();
        }
    }

    private void LeaveQueue()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _db.HoldsWriteDoor = false;
        _queue?.Release();
    }
}

/// <summary>
/// The names writers lock with <see cref="WriteTransaction.LockAsync"/>, in one place: two decisions about the same thing must
/// take the same name, whichever service makes them.
/// </summary>
public static class LockNames
{
    /// <summary>A purchase's sharing places, its shares' answers and its periods' dates.</summary>
    public static string Purchase(int purchaseId) => $"purchase:{purchaseId}";

    /// <summary>An authorized client's bookings from a shared purchase: the debit counts them against the share's caps.</summary>
    public static string ShareUse(int purchaseId, int clientId) => $"share-use:{purchaseId}:{clientId}";

    /// <summary>A member's invitations through the app: the daily limit counts them, then one more is added.</summary>
    public static string MemberInvitations(int clientId) => $"member-invitations:{clientId}";

    /// <summary>A request key (Idempotency-Key) of one kind of request: sale, client, booking.</summary>
    public static string RequestKey(string kind, string key) => $"request:{kind}:{key}";

    /// <summary>A client's members' app login, and the email it signs in with.</summary>
    public static string MemberLogin(int clientId) => $"member-login:client:{clientId}";

    public static string LoginEmail(string normalizedEmail) => $"member-login:email:{normalizedEmail}";

    /// <summary>A client's late cancellations: the grace allowance counts them, then one more may be free.</summary>
    public static string LateCancellations(int clientId) => $"late-cancellations:client:{clientId}";

    /// <summary>A session's waitlist: joiners take turns so its size holds.</summary>
    public static string Waitlist(int sessionId) => $"waitlist:{sessionId}";
}
