using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Ledger_AtUtc_Kind_Amount_PeriodId",
                table: "Ledger",
                columns: new[] { "AtUtc", "Kind", "Amount", "PeriodId" });

            migrationBuilder.CreateIndex(
                name: "IX_Ledger_Kind_AtUtc",
                table: "Ledger",
                columns: new[] { "Kind", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_PurchaseId_EndsOn_MaxCredits_UsedCredits",
                table: "CreditPeriods",
                columns: new[] { "PurchaseId", "EndsOn", "MaxCredits", "UsedCredits" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_BookedAtUtc_Status",
                table: "Bookings",
                columns: new[] { "BookedAtUtc", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Ledger_AtUtc_Kind_Amount_PeriodId",
                table: "Ledger");

            migrationBuilder.DropIndex(
                name: "IX_Ledger_Kind_AtUtc",
                table: "Ledger");

            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_PurchaseId_EndsOn_MaxCredits_UsedCredits",
                table: "CreditPeriods");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_BookedAtUtc_Status",
                table: "Bookings");
        }
    }
}
