using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeliveryOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_SendId_State_NextAttemptAt",
                table: "OutboundMessages");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_SendId_State_NextAttemptAt_Position",
                table: "OutboundMessages",
                columns: new[] { "SendId", "State", "NextAttemptAt", "Position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMessages_SendId_State_NextAttemptAt_Position",
                table: "OutboundMessages");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMessages_SendId_State_NextAttemptAt",
                table: "OutboundMessages",
                columns: new[] { "SendId", "State", "NextAttemptAt" });
        }
    }
}
