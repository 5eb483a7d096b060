-- POST /document/communications/{id}/pdf with one record per call, from the environment's token and ids.
local token = os.getenv("BENCH_TOKEN")
local customer = os.getenv("COMMUNIQUE_CUSTOMER_ID")
local communication = os.getenv("BENCH_COMMUNICATION")
local names = { "Amelia Smith", "Oliver Jones", "Isla Taylor", "George Brown", "Ava Williams", "Noah Wilson" }
local counter = 0

request = function()
  counter = counter + 1
  local name = names[counter % #names + 1]
  local rows = {}
  for k = 1, 10 do
    rows[k] = string.format('{"date":"%d Nov","text":"Card payment, shop %d","amount":"-%d.%02d"}',
      k, (counter + k) % 97, (counter * 7 + k) % 400, k * 7 % 100)
  end
  local body = string.format('{"record":{"id":"S%08d","first_name":"%s","name":"%s","street":"%d High Street",' ..
    '"postcode":"BS%d 4QT","city":"Bristol","date":"6 December 2026","month":"November 2026",' ..
    '"account":"20-00-07 %08d","rate":"4.15%%","transactions":[%s]}}',
    counter, name:match("^(%S+)"), name, counter % 180 + 1, counter % 16 + 1, counter, table.concat(rows, ","))
  return wrk.format("POST", "/document/communications/" .. communication .. "/pdf", {
    ["Authorization"] = "Bearer " .. token, ["PB-Customer-Id"] = customer,
    ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
