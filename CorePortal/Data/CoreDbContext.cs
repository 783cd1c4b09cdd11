using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Data;

/// <summary>
/// The app's context on SQLite, the embedded default; <see cref="PostgresCoreDbContext"/> is the same model on PostgreSQL with
/// its own migrations. Writes go through <see cref="BeginWriteAsync"/>, the write door every write transaction uses.
/// </summary>
public class CoreDbContext : IdentityDbContext<StaffUser>
{
    private readonly WriteGate _writeGate;

    public CoreDbContext(DbContextOptions<CoreDbContext> options, WriteGate writeGate) : base(options) => _writeGate = writeGate;

    /// <summary>The engine this context talks to; raw SQL that differs between engines asks it.</summary>
    public virtual DatabaseEngine Engine => DatabaseEngine.Sqlite;

    /// <summary>Waits for the writers ahead, then begins this operation's one write transaction (see <see cref="WriteGate"/>).</summary>
    public Task<WriteTransaction> BeginWriteAsync(CancellationToken ct = default) => _writeGate.BeginAsync(this, ct);

    /// <summary>Applies the migrations with the write door held.</summary>
    public Task MigrateAsync(CancellationToken ct = default) => _writeGate.MigrateAsync(this, ct);

    /// <summary>True while this context holds the write door: a write transaction it began and has not ended, or migrations.</summary>
    public bool HoldsWriteDoor { get; internal set; }

    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<CatalogItem> CatalogItems => Set<CatalogItem>();
    public DbSet<Purchase> Purchases => Set<Purchase>();
    public DbSet<CreditPeriod> CreditPeriods => Set<CreditPeriod>();
    public DbSet<CreditLedgerEntry> Ledger => Set<CreditLedgerEntry>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<PurchaseShare> PurchaseShares => Set<PurchaseShare>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<PurchaseHistoryEntry> PurchaseHistory => Set<PurchaseHistoryEntry>();
    public DbSet<ShareRequest> ShareRequests => Set<ShareRequest>();
    public DbSet<LiabilitySnapshot> LiabilitySnapshots => Set<LiabilitySnapshot>();
    public DbSet<LedgerDayTotal> LedgerDailyTotals => Set<LedgerDayTotal>();
    public DbSet<StaffAccountEvent> StaffAccountEvents => Set<StaffAccountEvent>();
    public DbSet<BearerSession> BearerSessions => Set<BearerSession>();
    public DbSet<Freeze> Freezes => Set<Freeze>();
    public DbSet<BulkFreeze> BulkFreezes => Set<BulkFreeze>();
    public DbSet<FreezeRequest> FreezeRequests => Set<FreezeRequest>();
    public DbSet<StudioSettings> StudioSettings => Set<StudioSettings>();
    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        var postgres = Engine == DatabaseEngine.Postgres; // PostgreSQL folds unquoted names to lower case; SQLite's migrations keep theirs

        builder.Entity<LiabilitySnapshot>().HasKey(s => s.Day);
        builder.Entity<LedgerDayTotal>(e =>
        {
            e.ToTable("LedgerDailyTotals");
            // SQLite has one writer, so one row per day and kind; PostgreSQL spreads each day over slots so that writers on
            // several connections do not queue on one row lock (readers sum the slots).
            if (Engine == DatabaseEngine.Sqlite)
            {
                e.HasKey(t => new { t.Day, t.Kind });
                e.Ignore(t => t.Slot);
            }
            else e.HasKey(t => new { t.Day, t.Kind, t.Slot });
        });

        builder.Entity<Client>(e =>
        {
            e.HasIndex(c => c.Barcode).IsUnique();
            e.HasIndex(c => c.LastNameKey);
            e.HasIndex(c => c.FirstNameKey);
            e.HasIndex(c => c.EmailKey);
            e.HasIndex(c => c.PhoneDigits);
            e.HasIndex(c => c.PhoneDigitsReversed);
            e.HasIndex(c => c.RequestKey).IsUnique();
            e.Ignore(c => c.FullName);
            // Search reads prefixes as ranges (key >= p AND key < p + U+FFFF) in code-point order, as SQLite's BINARY does:
            // under the "C" collation PostgreSQL's btree indexes answer those ranges, and ORDER BY sorts as on SQLite.
            if (postgres)
                foreach (var key in new[] { nameof(Client.FirstNameKey), nameof(Client.LastNameKey), nameof(Client.EmailKey), nameof(Client.PhoneDigits), nameof(Client.PhoneDigitsReversed) })
                    e.Property(key).UseCollation("C");
        });

        builder.Entity<Purchase>(e =>
        {
            e.HasIndex(p => new { p.OwnerClientId, p.EndsOn });
            e.HasIndex(p => p.RequestKey).IsUnique();
            // Reports: unlimited purchases soonest ending first, a page read off the index; counted from it alone.
            e.HasIndex(p => new { p.Status, p.EndsOn, p.SoldAtUtc }, "IX_Purchases_Unlimited").HasFilter("\"CreditsPerPeriod\" IS NULL");
            // The renewal job: open-ended memberships whose last period ends soon.
            e.HasIndex(p => new { p.Renewal, p.Status, p.EndsOn });
            e.HasOne(p => p.OwnerClient).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<CreditPeriod>(e =>
        {
            e.HasIndex(p => new { p.PurchaseId, p.StartsOn });
            // Reports: a purchase's live balances read from the index alone.
            e.HasIndex(p => new { p.PurchaseId, p.EndsOn, p.MaxCredits, p.UsedCredits });
            // Reports: the periods that ran out between a snapshot's day and the day asked for, and the credits they left
            // unused (usage's Expired), read from the index alone.
            e.HasIndex(p => new { p.EndsOn, p.PurchaseId, p.MaxCredits, p.UsedCredits });
            // Each regular period exists once per purchase, and each period rolls into one bucket at most, however many servers
            // run the renewal job at once: the second insert is refused.
            e.HasIndex(p => new { p.PurchaseId, p.Sequence }, "IX_CreditPeriods_Sequence").IsUnique().HasFilter("\"RolledFromPeriodId\" IS NULL");
            e.HasIndex(p => p.RolledFromPeriodId, "IX_CreditPeriods_RolledFrom").IsUnique().HasFilter("\"RolledFromPeriodId\" IS NOT NULL");
            // No foreign key on RolledFromPeriodId: SQLite adds one only by rebuilding the table, outside the migration's
            // transaction. Periods are never deleted, so the source always exists.
            e.Ignore(p => p.Remaining);
            // An unlimited period may never be over-drawn, a limited one never below zero.
            e.ToTable(t => t.HasCheckConstraint("CK_CreditPeriods_Used", postgres
                ? "\"UsedCredits\" >= 0 AND (\"MaxCredits\" IS NULL OR \"UsedCredits\" <= \"MaxCredits\")"
                : "UsedCredits >= 0 AND (MaxCredits IS NULL OR UsedCredits <= MaxCredits)"));
        });

        builder.Entity<CreditLedgerEntry>(e =>
        {
            e.HasIndex(l => new { l.PeriodId, l.Id });
            e.HasIndex(l => new { l.PurchaseId, l.Id });
            e.HasIndex(l => l.AtUtc);
            // Reports: adjustments and validity edits over a time range; weekly sums and "rows since a day" read from the index alone.
            e.HasIndex(l => new { l.Kind, l.AtUtc });
            e.HasIndex(l => new { l.AtUtc, l.Kind, l.Amount, l.PeriodId });
            // A period expires once: the expiry job run twice, or on two servers, cannot write a second Expired row.
            e.HasIndex(l => l.PeriodId, "IX_Ledger_ExpiredOnce").IsUnique().HasFilter($"\"Kind\" = {(int)LedgerKind.Expired}");
            // An AFTER INSERT trigger keeps LedgerDailyTotals (LedgerDayTotalsSql); EF Core documents SQLite's INSERT … RETURNING as
            // not for such tables (PostgreSQL's RETURNING is fine with triggers).
            if (Engine == DatabaseEngine.Sqlite) e.ToTable(t => t.UseSqlReturningClause(false));
            e.HasOne<CreditPeriod>().WithMany().HasForeignKey(l => l.PeriodId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Purchase>().WithMany().HasForeignKey(l => l.PurchaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(l => l.Booking).WithMany().HasForeignKey(l => l.BookingId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Session>(e =>
        {
            e.HasIndex(s => new { s.LocationId, s.StartsAt });
            e.ToTable(t => t.HasCheckConstraint("CK_Sessions_Booked", postgres
                ? "\"BookedCount\" >= 0 AND \"BookedCount\" <= \"Capacity\""
                : "BookedCount >= 0 AND BookedCount <= Capacity"));
            // Session times are the studio's local wall-clock times, not instants: no time zone on PostgreSQL.
            if (postgres) e.Property(s => s.StartsAt).HasColumnType("timestamp without time zone");
        });

        builder.Entity<Booking>(e =>
        {
            e.HasIndex(b => new { b.SessionId, b.ActiveClientId }).IsUnique();
            e.HasIndex(b => b.RequestKey).IsUnique();
            e.HasIndex(b => new { b.PurchaseId, b.Id });
            e.HasIndex(b => b.ClientId);
            // Share caps: what one client used from one purchase, counted inside the guarded debit.
            e.HasIndex(b => new { b.PurchaseId, b.ClientId, b.UsesCredit });
            // Grace allowance: a client's late cancellations in a rolling window. Penalties to review: by session day.
            e.HasIndex(b => new { b.ClientId, b.CancelledLate, b.CancelledAtUtc });
            // Reports: visits booked over a time range, counted from the index alone.
            e.HasIndex(b => new { b.BookedAtUtc, b.Status });
            e.HasOne(b => b.Client).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne(b => b.Purchase).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne<CreditPeriod>().WithMany().HasForeignKey(b => b.PeriodId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<PurchaseShare>(e =>
        {
            e.HasIndex(s => new { s.PurchaseId, s.ClientId });
            e.HasIndex(s => s.ClientId);
            e.HasIndex(s => s.TokenHash).IsUnique();
            e.HasOne(s => s.Client).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<StaffUser>().HasIndex(u => u.ClientId).IsUnique(); // one app login per client
        builder.Entity<StaffUser>().HasIndex(u => u.ActivationTokenHash);
        builder.Entity<StaffAccountEvent>().HasIndex(e => e.SubjectId);
        builder.Entity<BearerSession>(e =>
        {
            e.HasIndex(s => s.UserId);
            e.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        // Lifecycle: a purchase's freezes are read by the booking guard (is this day frozen?) and by the freeze rules.
        builder.Entity<Freeze>(e =>
        {
            e.HasIndex(f => new { f.PurchaseId, f.StartsOn });
            e.HasIndex(f => f.BulkFreezeId);
            e.HasOne(f => f.Purchase).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BulkFreeze>().WithMany().HasForeignKey(f => f.BulkFreezeId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<FreezeRequest>().WithMany().HasForeignKey(f => f.FreezeRequestId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<FreezeRequest>(e =>
        {
            e.HasIndex(r => new { r.Status, r.AskedAtUtc });
            e.HasIndex(r => r.PurchaseId);
            e.HasOne(r => r.Purchase).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(r => r.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        // Booking policies: the studio's default policy is one row, made here so every database has it.
        builder.Entity<StudioSettings>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new StudioSettings { Id = Data.StudioSettings.SingletonId, Version = new Guid("5f1c0b8e-6f1e-4a52-9a55-3f3c2d9a1b01") });
        });
        // Waitlists: a session's list in order; one waiting entry per client and session.
        builder.Entity<WaitlistEntry>(e =>
        {
            e.HasIndex(w => new { w.SessionId, w.Status, w.JoinedAtUtc });
            e.HasIndex(w => new { w.SessionId, w.ActiveClientId }).IsUnique();
            e.HasIndex(w => new { w.ClientId, w.Status });
            e.HasOne(w => w.Session).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne(w => w.Client).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne(w => w.Purchase).WithMany().OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Booking>().WithMany().HasForeignKey(w => w.BookingId).OnDelete(DeleteBehavior.Restrict);
        });

        // Sharing: the outbox is read by status and due time; feeds and history by their owner.
        builder.Entity<OutboxMessage>(e =>
        {
            e.HasIndex(m => new { m.Status, m.NextAttemptAtUtc });
            e.HasIndex(m => m.PurchaseShareId);
        });
        builder.Entity<Notification>().HasIndex(n => new { n.ClientId, n.Id });
        builder.Entity<PurchaseHistoryEntry>(e =>
        {
            e.HasIndex(h => new { h.PurchaseId, h.Id });
            e.HasOne<Purchase>().WithMany().HasForeignKey(h => h.PurchaseId).OnDelete(DeleteBehavior.Restrict);
        });
        // The members' daily invitation limit counts a member's requests since a time; the list finds a share's request.
        builder.Entity<ShareRequest>(e =>
        {
            e.HasIndex(r => new { r.RequestedByClientId, r.AtUtc });
            e.HasIndex(r => r.PurchaseShareId);
            e.HasOne<Client>().WithMany().HasForeignKey(r => r.RequestedByClientId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Purchase>().WithMany().HasForeignKey(r => r.PurchaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<PurchaseShare>().WithMany().HasForeignKey(r => r.PurchaseShareId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
