-- POST /api/v1/password/forgot with a different address each time: every other request
-- names a seeded account (user<N>@bench.example, N < the first script argument), the others
-- an address that has none.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local accounts = 10000
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  accounts = tonumber(args[1]) or accounts
end

function request()
  counter = counter + 1
  local body
  if counter % 2 == 0 then
    body = string.format('{"email":"user%d@bench.example"}', (counter * 7919 + thread_id) % accounts)
  else
    body = string.format('{"email":"nobody-%d-%d@bench.example"}', thread_id, counter)
  end
  return wrk.format(nil, nil, nil, body)
end
