using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerDailyTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId",
                table: "CreditPeriods");

            migrationBuilder.CreateTable(
                name: "LedgerDailyTotals",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Amount = table.Column<int>(type: "INTEGER", nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerDailyTotals", x => new { x.Day, x.Kind });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Purchases_Unlimited",
                table: "Purchases",
                columns: new[] { "Status", "EndsOn", "SoldAtUtc" },
                filter: "\"CreditsPerPeriod\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId_MaxCredits_UsedCredits",
                table: "CreditPeriods",
                columns: new[] { "EndsOn", "PurchaseId", "MaxCredits", "UsedCredits" });

            // Kept from here on by the trigger, in the transaction of every ledger insert; the rows written so far added up once.
            migrationBuilder.Sql(LedgerDayTotalsSql.CreateTrigger);
            migrationBuilder.Sql(LedgerDayTotalsSql.Rebuild);

            // A validity edit used to set a purchase's dates from its periods as they were before the edit; the unlimited
            // purchases page now reads Purchases.EndsOn, so bring every purchase's dates back in line with its periods.
            migrationBuilder.Sql("""
                UPDATE Purchases SET StartsOn = d.StartsOn, EndsOn = d.EndsOn
                FROM (SELECT PurchaseId, MIN(StartsOn) AS StartsOn, MAX(EndsOn) AS EndsOn FROM CreditPeriods GROUP BY PurchaseId) d
                WHERE d.PurchaseId = Purchases.Id AND (Purchases.StartsOn <> d.StartsOn OR Purchases.EndsOn <> d.EndsOn)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP TRIGGER {LedgerDayTotalsSql.TriggerName}");

            migrationBuilder.DropTable(
                name: "LedgerDailyTotals");

            migrationBuilder.DropIndex(
                name: "IX_Purchases_Unlimited",
                table: "Purchases");

            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId_MaxCredits_UsedCredits",
                table: "CreditPeriods");

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId",
                table: "CreditPeriods",
                columns: new[] { "EndsOn", "PurchaseId" });
        }
    }
}
