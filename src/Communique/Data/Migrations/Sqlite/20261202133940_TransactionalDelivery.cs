using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TransactionalDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "Jobs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages",
                columns: new[] { "TeamId", "State", "NextAttemptAt" },
                filter: "\"RecordJson\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Key_Queued",
                table: "Jobs",
                column: "Key",
                unique: true,
                filter: "\"State\" = 'Queued'");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Key_State",
                table: "Jobs",
                columns: new[] { "Key", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_Transactional",
                table: "OutboundMessages");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Key_Queued",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Key_State",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "Jobs");
        }
    }
}
