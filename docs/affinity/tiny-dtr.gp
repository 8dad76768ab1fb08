# Drawn by dtr affinity; edit and rerun `gnuplot tiny-dtr.gp` to restyle.
set terminal pngcairo size 1100,500 enhanced font ",11"
set output 'tiny-dtr.png'
set datafile separator ','
set palette defined (-1 '#b2182b', 0 '#f7f7f7', 1 '#2166ac')
set xlabel 'bucket j (t from 0 to 1000)'
set ylabel 'bucket i'
set xrange [-0.5:9.5]
set yrange [-0.5:9.5]
set size ratio 1
set multiplot layout 1,2
set title 'gradient cosine cos(g_i, g_j)  (conflict rate 4%)' noenhanced
set cbrange [-1:1]
plot 'tiny-dtr.csv' index 0 using 3:2:8 with image notitle
set title 'lookahead affinity 1 - L_j(θ - η g_i)/L_j(θ), η = 0.001' noenhanced
set cbrange [-0.053261424260484524:0.053261424260484524]
plot 'tiny-dtr.csv' index 1 using 3:2:8 with image notitle
unset multiplot
