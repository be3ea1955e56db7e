-- GET of the URL given to wrk with the signed-in session cookie given as the first script
-- argument (`name=value`): every request runs the session check.
function init(args)
  wrk.headers["Cookie"] = args[1]
end
