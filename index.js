// The package entry (`require('kestraform')`): the constructs a stack is written with.
module.exports = require('./bin/load-kestraform').loadKestraform('index');
